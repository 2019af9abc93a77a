using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KataArgo.Testing;
using NJsonSchema;

namespace KataArgo.Submitter.Tests.Fakes;

/// <summary>
/// Argo's OpenAPI spec (../shared/argo-workflows/v4.1.2/swagger.json) as a request checker: finds
/// the operation of a method and path, and validates query parameter names and the body against
/// the operation's schema, with <c>$ref</c>s resolved into the spec's definitions and every
/// object that declares properties closed (<c>additionalProperties: false</c>), so a misspelt or
/// invented field is an error, as it would be for a strict server.
/// </summary>
public sealed class SwaggerSpec
{
    public sealed record Operation(string Id, string Method, string PathTemplate, Regex Pattern, IReadOnlySet<string> Query, string? BodyDefinition);

    public sealed record Match(Operation Operation, IReadOnlyDictionary<string, string> PathParameters);

    private static readonly Lazy<SwaggerSpec> ArgoSpec = new(() => Load(Path.Combine(Repo.ArgoShared, "v4.1.2", "swagger.json")));

    public static SwaggerSpec Argo => ArgoSpec.Value;

    private readonly List<Operation> _operations;
    private readonly JsonSchema _definitions;

    private SwaggerSpec(List<Operation> operations, JsonSchema definitions) => (_operations, _definitions) = (operations, definitions);

    public static SwaggerSpec Load(string path)
    {
        var spec = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var operations = new List<Operation>();
        foreach (var (template, item) in spec["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                var parameters = op!["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
                var body = parameters.FirstOrDefault(p => (string?)p["in"] == "body")?["schema"]?["$ref"]?.GetValue<string>();
                var pattern = new Regex("^" + Regex.Replace(Regex.Escape(template), @"\\\{([^}]+)}", m => $"(?<{Group(m.Groups[1].Value)}>[^/]+)") + "$");
                operations.Add(new((string)op["operationId"]!, method.ToUpperInvariant(), template, pattern,
                    parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToHashSet(),
                    body?["#/definitions/".Length..]));
            }
        }
        var definitions = spec["definitions"]!.DeepClone().AsObject();
        foreach (var (_, definition) in definitions)
            KataArgo.Lint.ClosedSchema.Close(definition);
        var document = new JsonObject { ["definitions"] = definitions };
        return new SwaggerSpec(operations, JsonSchema.FromJsonAsync(document.ToJsonString()).GetAwaiter().GetResult());
    }

    public Match? Find(string method, string path)
    {
        // The most specific template wins (/submit before /{name}).
        foreach (var operation in _operations.Where(o => o.Method == method).OrderBy(o => o.PathTemplate.Count(c => c == '{')))
        {
            var match = operation.Pattern.Match(path);
            if (match.Success)
                return new(operation, operation.Pattern.GetGroupNames().Where(g => !int.TryParse(g, out _))
                    .ToDictionary(g => g.Replace("__", "."), g => Uri.UnescapeDataString(match.Groups[g].Value)));
        }
        return null;
    }

    /// <summary>What is wrong with the request; empty when it is what the operation accepts.</summary>
    public List<string> Validate(Operation operation, IEnumerable<string> queryNames, string? body)
    {
        var problems = queryNames.Where(q => !operation.Query.Contains(q)).Select(q => $"{operation.Id}: unknown query parameter '{q}'").ToList();
        if (operation.BodyDefinition is { } definition)
            problems.AddRange(string.IsNullOrEmpty(body) ? [$"{operation.Id}: no request body"] : ValidateDefinition(definition, body));
        else if (!string.IsNullOrEmpty(body))
            problems.Add($"{operation.Id}: unexpected request body");
        return problems;
    }

    public List<string> ValidateDefinition(string definition, string json) =>
        [.. _definitions.Definitions[definition].Validate(json).Select(e => $"{definition}: {e.Path}: {e.Kind} {e.Property}")];

    private static string Group(string name) => name.Replace(".", "__");
}
