namespace KataArgo.Chart.Tests;

/// <summary>Placeholder tokens in rendered YAML become Helm expressions.</summary>
public sealed class HelmBindingsTests
{
    [Fact]
    public void A_token_that_is_a_whole_scalar_is_quoted_one_inside_text_is_raw_and_labels_become_the_include()
    {
        var a = HelmBindings.Token("argoNamespace");
        var b = HelmBindings.Token("defaults.helmRelease");
        var yaml = $"""
            metadata:
              namespace: {a}
              labels: {HelmBindings.LabelsToken}
            rules:
            - resourceNames:
              - {b}
              - kata-deploy{b}
              name: x-{a}-y
            value: {b}
            """;

        var bound = HelmBindings.Bind(yaml, path => $"Q({path})", path => $"R({path})");

        Assert.Equal("""
            metadata:
              namespace: Q(argoNamespace)
              labels:
                {{- include "kata-lifecycle-manager.labels" . | nindent 4 }}
            rules:
            - resourceNames:
              - Q(defaults.helmRelease)
              - kata-deployR(defaults.helmRelease)
              name: x-R(argoNamespace)-y
            value: Q(defaults.helmRelease)
            """, bound);
    }

    [Fact]
    public void A_token_first_in_the_text_or_after_a_list_dash_is_a_whole_scalar()
    {
        var token = HelmBindings.Token("argoNamespace");

        Assert.Equal("ns: Q(argoNamespace)\n- Q(argoNamespace)\n", HelmBindings.Bind($"ns: {token}\n- {token}\n", p => $"Q({p})", p => $"R({p})"));
        Assert.Equal("- Q(argoNamespace)", HelmBindings.Bind($"- {token}", p => $"Q({p})", p => $"R({p})"));
    }
}
