using KataArgo.Testing;

namespace KataArgo.Lifecycle.Tests;

/// <summary>The parameter cases of the bad-input matrix, as ParameterRules sees them; and the matrix's docs page.</summary>
public class BadInputRulesTests
{
    [Theory]
    [MemberData(nameof(BadInput.Ids), "parameter", MemberType = typeof(BadInput))]
    public void Parameter_rules_refuse_with_the_exact_line(string id)
    {
        var bad = BadInput.Get(id);

        var error = bad.Parameters.Select(p => WorkflowParameters.Find(p.Key)!.Validate(p.Value)).FirstOrDefault(e => e is not null)
            ?? ParameterRules.CheckCombination(bad.Parameters);

        Assert.Equal(bad.Error, error);
    }

    [Fact]
    public void The_matrix_has_at_least_30_cases_and_every_string_parameter_faces_an_injection_payload()
    {
        Assert.True(BadInput.Cases.Count >= 30);
        Assert.Equal(BadInput.Cases.Count, BadInput.Cases.Select(c => c.Id).Distinct().Count());
        var injected = BadInput.Cases.Where(c => c.Id.StartsWith("injection-")).SelectMany(c => c.Parameters.Keys).ToHashSet();
        var strings = WorkflowParameters.All.Where(p => p.Kind is not (ParameterKind.Boolean or ParameterKind.Duration)).Select(p => p.Name);
        Assert.All(strings, name => Assert.Contains(name, injected));
    }

    [Fact]
    public void The_docs_page_lists_every_case() => Snapshot.VerifyFile("docs/bad-input.md", BadInput.Markdown());
}
