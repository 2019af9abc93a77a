using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Lint;

/// <summary>
/// One of Argo's JSON schemas (../shared/argo-workflows/vX/schema.json, embedded at build time),
/// read the way Argo and Kubernetes read documents:
/// <list type="bullet">
/// <item>closed: Argo's schema accepts unknown fields and the controller silently drops them (a
/// misspelled failFast would switch fail-fast off), so every object that declares properties
/// rejects undeclared ones, as <c>argo lint --strict</c> does;</item>
/// <item>IntOrString (k8s.io/apimachinery intstr) takes a whole number or a string, a resource
/// Quantity a number or a string, and Argo's AnyString fields (<see cref="AnyString.Members"/>) a
/// string, number or boolean, where the schema says only "string";</item>
/// <item>a null is the same as an absent field (Go's JSON decoder ignores it).</item>
/// </list>
/// The schemas use only type, properties, additionalProperties, items, required, enum, const and
/// $ref, which <see cref="SchemaValidator"/> checks directly on the parsed schema: compiling
/// them with a general JSON Schema library took most of lint's start-up time.
/// </summary>
public sealed class ArgoSchema
{
    /// <summary>The supported Argo versions, newest first: the version users name and the schema it is checked against.</summary>
    public static readonly IReadOnlyList<ArgoSchema> All = [new("4.1", "v4.1.2"), new("3.7", "v3.7.18")];

    private readonly Lazy<SchemaValidator> _validator;

    private ArgoSchema(string version, string release)
    {
        Version = version;
        Release = release;
        _validator = new(() => new SchemaValidator(Load(release), release));
    }

    /// <summary>The Argo minor version users name, e.g. "4.1".</summary>
    public string Version { get; }

    /// <summary>The release whose schema is used, e.g. "v4.1.2".</summary>
    public string Release { get; }

    public static ArgoSchema For(string version) =>
        All.FirstOrDefault(s => s.Version == version || s.Release == version) ?? throw new ArgumentException($"no Argo schema {version}");

    /// <summary>Problems of one Argo object, as (JSON pointer, message); the definition is chosen by its kind.</summary>
    public IReadOnlyList<(string Pointer, string Message)> Validate(JsonNode document) => _validator.Value.Validate(document);

    public override string ToString() => Release;

    private static JsonDocument Load(string release)
    {
        using var stream = typeof(ArgoSchema).Assembly.GetManifestResourceStream($"argo-schema/{release}.json")
            ?? throw new InvalidOperationException($"Argo schema {release} is not embedded");
        return JsonDocument.Parse(stream);
    }
}
