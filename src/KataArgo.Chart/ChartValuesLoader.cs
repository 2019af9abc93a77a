using System.Text;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using NJsonSchema;
using NJsonSchema.Validation;
using YamlDotNet.Core;

namespace KataArgo.Chart;

/// <summary>A value the chart refuses; the message is one line naming the value and the fix.</summary>
/// <param name="key">The dotted values key at fault (defaults.drainTimeout), when there is one: where to look in a values file.</param>
public sealed class ChartValuesException(string message, string? key = null) : Exception(message)
{
    public string? Key { get; } = key;
}

/// <summary>
/// Values as Helm computes them: chart defaults, then each -f file, then --set, --set-string and
/// --set-file, in that order; then values.schema.json and the chart's required-value checks.
/// </summary>
public static class ChartValuesLoader
{
    private static readonly Lazy<JsonSchema> Schema = new(() => ValuesSchemaModel.Build(ValuesSchema.Build()));

    public sealed record Sources
    {
        public IReadOnlyList<(string Name, string Yaml)> Files { get; init; } = [];
        public IReadOnlyList<string> Set { get; init; } = [];
        public IReadOnlyList<string> SetString { get; init; } = [];
        public IReadOnlyList<(string Key, string Content)> SetFile { get; init; } = [];
    }

    public static JsonObject Load(Sources sources)
    {
        var values = ChartValues.Defaults();
        foreach (var (name, yaml) in sources.Files)
            Merge(values, ParseFile(name, yaml), "");
        foreach (var assignment in sources.Set)
            foreach (var (key, value) in StrVals.Parse(assignment, typed: true))
                Assign(values, key, value);
        foreach (var assignment in sources.SetString)
            foreach (var (key, value) in StrVals.Parse(assignment, typed: false))
                Assign(values, key, value);
        foreach (var (key, content) in sources.SetFile)
            Assign(values, StrVals.SplitKey(key), JsonValue.Create(content));
        Validate(values);
        return values;
    }

    public static void Validate(JsonObject values)
    {
        foreach (var value in ChartValues.All)
            if (ParameterError(value, ChartValues.Lookup(values, value)) is { } error)
                throw new ChartValuesException(error, value.Path);
        var errors = Schema.Value.Validate(values.ToJsonString());
        if (errors.Count > 0)
            throw new ChartValuesException(Describe(errors.First(), values), KeyOf(errors.First()));
        if (VerificationPodRules.Check(ChartValues.Lookup(values, ChartValues.Get(ChartValues.VerificationPodPath))?.ToString()) is { } podError)
            throw new ChartValuesException(podError, ChartValues.VerificationPodPath);
    }

    /// <summary>
    /// A value that sets a workflow parameter is checked by the parameter's rules first, so the
    /// chart says what kata-argo and preflight say; a number or boolean where text is expected
    /// (Helm's --set types 10 and true) is named with the way to pass it as text.
    /// </summary>
    private static string? ParameterError(ChartValue value, JsonNode? node)
    {
        if (value.Parameter is not { Kind: not (Lifecycle.ParameterKind.VerificationPod or Lifecycle.ParameterKind.Boolean) } parameter
            || node is not JsonValue scalar)
            return null;
        var kind = scalar.GetValueKind();
        var text = kind == System.Text.Json.JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString();
        if (parameter.Validate(text) is { } error)
            return $"values: {value.Path}: {error[(error.IndexOf(':') + 2)..]}";
        return kind == System.Text.Json.JsonValueKind.String ? null
            : $"values: {value.Path}: {text} is {(kind == System.Text.Json.JsonValueKind.Number ? "a number" : "a boolean")}, not text; quote it in a values file or use --set-string {value.Path}={text}";
    }

    private static JsonObject ParseFile(string name, string yaml)
    {
        try
        {
            return ArgoYaml.Load(yaml) switch
            {
                null => [],
                JsonObject map => map,
                _ => throw new ChartValuesException($"values file {name}: expected a mapping of values at the top level"),
            };
        }
        catch (YamlException e)
        {
            throw new ChartValuesException($"values file {name}: not valid YAML: {YamlErrorLocation.Describe(e)}");
        }
    }

    /// <summary>Helm's merge: maps merge key by key, anything else replaces, null deletes.</summary>
    private static void Merge(JsonObject target, JsonObject source, string prefix)
    {
        foreach (var (key, value) in source.ToList())
        {
            if (value is null)
                target.Remove(key);
            else if (value is JsonObject map && target[key] is JsonObject existing)
                Merge(existing, map, prefix + key + ".");
            else if (target[key] is JsonObject)
                throw new ChartValuesException($"values: {prefix}{key}: {value.ToJsonString()} is not a mapping; give the keys under {prefix}{key} ({string.Join(", ", ValidKeys(prefix + key + ".x"))})", prefix + key);
            else
                target[key] = value.DeepClone();
        }
    }

    private static void Assign(JsonObject values, IReadOnlyList<string> key, JsonNode? value)
    {
        var node = values;
        foreach (var segment in key.Take(key.Count - 1))
        {
            if (node[segment] is null)
                node[segment] = new JsonObject();
            node = node[segment] as JsonObject
                ?? throw new ChartValuesException($"values: {string.Join('.', key)}: '{segment}' is not a mapping");
        }
        if (value is null)
            node.Remove(key[^1]);
        else
            node[key[^1]] = value;
    }

    /// <summary>The dotted key a schema error is about: for an unknown key, the unknown key itself.</summary>
    private static string KeyOf(ValidationError error)
    {
        var path = (error.Path ?? "").TrimStart('#', '/').Replace('/', '.');
        return error.Property is { Length: > 0 } property && !path.EndsWith(property, StringComparison.Ordinal)
            ? (path.Length > 0 ? path + "." : "") + property
            : path;
    }

    private static string Describe(ValidationError error, JsonObject values)
    {
        var key = KeyOf(error);
        return error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed =>
                $"values: unknown key '{key}'; valid keys: {string.Join(", ", ValidKeys(key))}",
            ValidationErrorKind.BooleanExpected => $"values: {key}: {Shown(values, key)} is not a boolean; use true or false, unquoted (--set, not --set-string)",
            ValidationErrorKind.StringExpected => $"values: {key}: {Shown(values, key)} is not text; {AcceptedForm(key, "quote it")}",
            ValidationErrorKind.IntegerExpected => $"values: {key}: {Shown(values, key)} is not a whole number; {AcceptedForm(key, "use a whole number")}",
            ValidationErrorKind.ObjectExpected => $"values: {key}: {Shown(values, key)} is not a mapping; give the keys under {key} ({string.Join(", ", ValidKeys(key + ".x"))})",
            ValidationErrorKind.NumberTooSmall or ValidationErrorKind.NumberTooBig =>
                $"values: {key}: {Current(values, key)} is out of range; {AcceptedForm(key, $"use {error.Schema?.Minimum} to {error.Schema?.Maximum}")}",
            ValidationErrorKind.StringTooLong =>
                $"values: {key}: {Current(values, key).Length} characters long; at most {error.Schema?.MaxLength} are accepted",
            ValidationErrorKind.ExcludedSchemaValidates => $"values: {key}: '{Current(values, key)}' uses :latest; pin a version",
            _ => $"values: {key}: {Shown(values, key)} is not accepted; {AcceptedForm(key, "see values.yaml for the accepted form")}",
        };
    }

    private static string AcceptedForm(string key, string otherwise) =>
        ChartValues.All.FirstOrDefault(v => v.Path == key)?.Accepted is { } accepted ? "use " + accepted : otherwise;

    /// <summary>The value as the user wrote it: text in quotes, numbers and booleans as they are.</summary>
    private static string Shown(JsonObject values, string key) => ChartValues.Lookup(values, key) switch
    {
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => $"'{Lifecycle.ParameterRules.Show(v.GetValue<string>())}'",
        { } node => node.ToJsonString(),
        null => "null",
    };

    private static IEnumerable<string> ValidKeys(string key)
    {
        var parent = key.Contains('.') ? key[..key.LastIndexOf('.')] + "." : "";
        return ChartValues.All.Select(v => v.Path).Where(p => p.StartsWith(parent, StringComparison.Ordinal))
            .Select(p => p[parent.Length..].Split('.')[0]).Distinct().Select(k => parent + k);
    }

    private static string Current(JsonObject values, string key) => ChartValues.Lookup(values, key)?.ToString() ?? "";
}

/// <summary>Helm's --set syntax: a.b=c,d=e with \, and \. escapes; typed values for --set.</summary>
public static class StrVals
{
    public static IEnumerable<(IReadOnlyList<string> Key, JsonNode? Value)> Parse(string text, bool typed)
    {
        foreach (var pair in SplitUnescaped(text, ','))
        {
            var equals = IndexOfUnescaped(pair, '=');
            if (equals <= 0)
                throw new ChartValuesException($"--set '{pair}': expected key=value, e.g. --set defaults.drainEnabled=true");
            var raw = Unescape(pair[(equals + 1)..]);
            yield return (SplitKey(pair[..equals]), typed ? Typed(raw) : JsonValue.Create(raw));
        }
    }

    public static IReadOnlyList<string> SplitKey(string key)
    {
        var segments = SplitUnescaped(key, '.').Select(Unescape).ToList();
        if (segments.Any(s => s.Length == 0) || segments.Any(s => s.Contains('[')))
            throw new ChartValuesException($"--set key '{key}': expected a dotted key such as defaults.drainTimeout (lists are not values of this chart)");
        return segments;
    }

    /// <summary>As Helm: true/false are booleans, integers without a leading zero are numbers, null deletes.</summary>
    private static JsonNode? Typed(string value) => value switch
    {
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        "null" => null,
        _ when value.Length > 0 && (value[0] != '0' || value.Length == 1) && long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        _ => JsonValue.Create(value),
    };

    private static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var part = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                part.Append(text[i]).Append(text[++i]);
                continue;
            }
            if (text[i] == separator)
            {
                yield return part.ToString();
                part.Clear();
                continue;
            }
            part.Append(text[i]);
        }
        yield return part.ToString();
    }

    private static int IndexOfUnescaped(string text, char c)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
                i++;
            else if (text[i] == c)
                return i;
        }
        return -1;
    }

    private static string Unescape(string text)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
            result.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] : text[i]);
        return result.ToString();
    }
}
