using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace KataArgo.Lint;

/// <summary>
/// One of Argo's JSON schemas (../shared/argo-workflows/vX/schema.json, embedded at build time),
/// checked with NJsonSchema and read the way Argo and Kubernetes read documents:
/// <list type="bullet">
/// <item>closed (<see cref="ClosedSchema"/>): Argo's schema accepts unknown fields and the
/// controller silently drops them (a misspelled failFast would switch fail-fast off), so every
/// object that declares properties rejects undeclared ones, as <c>argo lint --strict</c> does;</item>
/// <item>int-or-string fields, resource quantities and Argo's AnyString fields take what Kubernetes
/// and Argo read from them (<see cref="ArgoReadings"/>), where the schema says only "string";</item>
/// <item>a null is the same as an absent field (Go's JSON decoder ignores it).</item>
/// </list>
/// The schema is parsed only when a document is first checked against it, and only the part of it
/// that can apply to the document (<see cref="SchemaSlice"/>) becomes NJsonSchema's schema objects
/// (<see cref="SchemaModel"/>), once per kind: compiling a whole schema, or reading a slice with
/// NJsonSchema's JSON reader, took most of lint's start-up time (docs/lint.md, Cold start).
/// </summary>
public sealed class ArgoSchema
{
    private const string ArgoTypes = "io.argoproj.workflow.v1alpha1.";

    /// <summary>The supported Argo versions, newest first: the version users name and the schema it is checked against.</summary>
    public static readonly IReadOnlyList<ArgoSchema> All = [new("4.1", "v4.1.2"), new("3.7", "v3.7.18")];

    /// <summary>
    /// The formats checked, as Go decodes them: date-time (<see cref="GoTimeFormat"/>). Not byte:
    /// Go's base64 decoding skips line breaks, which NJsonSchema's byte check refuses.
    /// </summary>
    private static readonly JsonSchemaValidatorSettings Formats = new() { FormatValidators = [new GoTimeFormat()] };

    private readonly Lazy<JsonDocument> _json;
    private readonly Lock _gate = new();

    /// <summary>By kind: the property names the compiled slice covers, and the slice's root definition.</summary>
    private readonly Dictionary<string, (HashSet<string> Names, JsonSchema Schema)> _compiled = new(StringComparer.Ordinal);

    private ArgoSchema(string version, string release)
    {
        Version = version;
        Release = release;
        _json = new(() => Load(release));
    }

    /// <summary>The Argo minor version users name, e.g. "4.1".</summary>
    public string Version { get; }

    /// <summary>The release whose schema is used, e.g. "v4.1.2".</summary>
    public string Release { get; }

    public static ArgoSchema For(string version) =>
        All.FirstOrDefault(s => s.Version == version || s.Release == version) ?? throw new ArgumentException($"no Argo schema {version}");

    /// <summary>Problems of one Argo object, as (JSON pointer, message); the definition is chosen by its kind.</summary>
    public IReadOnlyList<(string Pointer, string Message)> Validate(JsonNode document)
    {
        var kind = document["kind"]?.ToString();
        var definitions = _json.Value.RootElement.GetProperty("definitions");
        if (kind is null || !definitions.TryGetProperty(ArgoTypes + kind, out _))
            return [("/kind", $"'{kind}' is not an Argo kind of schema {Release}")];
        var input = SchemaProblems.Input(document, out var names);
        lock (_gate)
        {
            if (!_compiled.TryGetValue(kind, out var compiled) || !names.IsSubsetOf(compiled.Names))
            {
                // Grow the slice to every name seen so far, so a directory of similar files compiles it a few times at most.
                names.UnionWith(compiled.Names ?? []);
                var slice = SchemaSlice.Cut(definitions, ArgoTypes + kind, names);
                compiled = (names, SchemaModel.Build(slice, ArgoTypes + kind));
                _compiled[kind] = compiled;
            }
            return SchemaProblems.Describe(compiled.Schema.Validate(input, Formats), document);
        }
    }

    public override string ToString() => Release;

    private static JsonDocument Load(string release)
    {
        using var stream = typeof(ArgoSchema).Assembly.GetManifestResourceStream($"argo-schema/{release}.json")
            ?? throw new InvalidOperationException($"Argo schema {release} is not embedded");
        return JsonDocument.Parse(stream);
    }
}
