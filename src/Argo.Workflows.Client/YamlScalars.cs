using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Argo.Workflows.Client;

/// <summary>
/// YAML scalars read as Kubernetes and Argo read them: sigs.k8s.io/yaml v1.6.0 (YAMLToJSON) over
/// go.yaml.in/yaml/v2 v2.4.x (resolve.go), i.e. YAML 1.1: <c>yes</c>/<c>on</c>/<c>y</c> are
/// booleans, <c>0755</c> is octal 493, <c>0x1F</c>, <c>0o17</c>, <c>0b101</c> and <c>1_000</c> are
/// integers, timestamps stay strings, and mapping keys are resolved the same way (<c>y:</c> is the
/// key "true"). Quoted and block scalars are strings.
/// </summary>
internal static partial class YamlScalars
{
    private const string Tags = "tag:yaml.org,2002:";

    /// <summary>The JSON value of a scalar node (null for YAML null).</summary>
    public static JsonNode? Value(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag.Length == 0 && scalar.Style != ScalarStyle.Plain)
            return JsonValue.Create(text);
        switch (tag)
        {
            case "" or "!":
                return ToJson(Resolve(text), scalar);
            case Tags + "str" or Tags + "timestamp":
                return JsonValue.Create(text);
            case Tags + "binary":
                return JsonValue.Create(Binary(text, scalar));
            case Tags + "int" or Tags + "float" or Tags + "bool" or Tags + "null":
                var resolved = Resolve(text);
                var kind = tag[Tags.Length..];
                if (kind == "float" && resolved is long or ulong)
                    resolved = Convert.ToDouble(resolved, CultureInfo.InvariantCulture);
                var actual = resolved switch { null => "null", bool => "bool", double => "float", string => "str", _ => "int" };
                if (actual != kind)
                    throw new YamlException(scalar.Start, scalar.End, $"cannot read !!{actual} '{text}' as !!{kind}");
                return ToJson(resolved, scalar);
            default:
                return JsonValue.Create(text); // a custom tag: go-yaml keeps the text
        }
    }

    /// <summary>The JSON key of a scalar mapping key, as sigs.k8s.io/yaml converts it.</summary>
    public static string Key(YamlScalarNode scalar)
    {
        var value = Value(scalar);
        return value switch
        {
            null => throw new YamlException(scalar.Start, scalar.End, $"a null mapping key ('{scalar.Value}') cannot be a JSON key; quote it"),
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            JsonValue v when v.TryGetValue<bool>(out var flag) => flag ? "true" : "false",
            JsonValue v when v.TryGetValue<double>(out var number) => GoFloat.FormatG32(number),
            JsonValue v when v.TryGetValue<ulong>(out _) && !v.TryGetValue<long>(out _) =>
                throw new YamlException(scalar.Start, scalar.End, $"mapping key {scalar.Value} is an unsigned 64-bit number, which Kubernetes cannot use as a key; quote it"),
            _ => value.ToJsonString(),
        };
    }

    /// <summary>True for the merge key <c>&lt;&lt;</c> written plain.</summary>
    public static bool IsMerge(YamlScalarNode scalar) =>
        scalar.Value == "<<" && (scalar.Tag.IsEmpty ? scalar.Style == ScalarStyle.Plain : scalar.Tag.Value == Tags + "merge");

    /// <summary>go-yaml v2's resolve() for an untagged plain scalar: null, bool, long, ulong, double or string.</summary>
    private static object? Resolve(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                return true;
            case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                return false;
            case ".nan" or ".NaN" or ".NAN":
                return double.NaN;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF":
                return double.NegativeInfinity;
        }
        var hint = text[0];
        if (hint == '.')
            return GoParseFloat(text) is { } dotted ? dotted : text;
        if (hint is not ('+' or '-' or (>= '0' and <= '9')))
            return text;
        var plain = text.Replace("_", "");
        if (GoParseInteger(plain) is { } integer && integer >= long.MinValue && integer <= ulong.MaxValue)
            return integer <= long.MaxValue ? (long)integer : (ulong)integer;
        // ParseInt and ParseUint failed (or overflowed): go-yaml tries a float next.
        return GoParseFloat(plain) is { } floating ? floating : text;
    }

    private static JsonNode? ToJson(object? resolved, YamlScalarNode scalar) => resolved switch
    {
        null => null,
        bool flag => JsonValue.Create(flag),
        // Parsed from JSON text, so that GetValue<int>(), <long> and <double> all work on it.
        long number => JsonNode.Parse(number.ToString(CultureInfo.InvariantCulture)),
        ulong number => JsonNode.Parse(number.ToString(CultureInfo.InvariantCulture)),
        double number when double.IsFinite(number) => JsonNode.Parse(number.ToString("R", CultureInfo.InvariantCulture)),
        double => throw new YamlException(scalar.Start, scalar.End,
            $"'{scalar.Value}' is a YAML infinity or NaN, which JSON (and so Kubernetes) cannot hold; quote it to mean the text"),
        string text => JsonValue.Create(text),
        _ => throw new InvalidOperationException($"unexpected scalar {resolved}"),
    };

    /// <summary>strconv.ParseInt/ParseUint(text, 0, 64) grammar: sign, then 0x, 0o, 0b, a leading 0 (octal) or decimal digits.</summary>
    private static BigInteger? GoParseInteger(string text)
    {
        var negative = text.StartsWith('-');
        var body = text.TrimStart('+', '-');
        if (text.Length - body.Length > 1 || body.Length == 0)
            return null;
        var (radix, digits) = body.Length > 1 && body[0] == '0' ? char.ToLowerInvariant(body[1]) switch
        {
            'x' => (16, body[2..]),
            'o' => (8, body[2..]),
            'b' => (2, body[2..]),
            _ => (8, body[1..]),
        } : (10, body);
        if (digits.Length == 0)
            return body == "0" ? 0 : null;
        BigInteger value = 0;
        foreach (var c in digits)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : 99;
            if (digit >= radix)
                return null;
            value = value * radix + digit;
        }
        return negative ? -value : value;
    }

    private static double? GoParseFloat(string text) =>
        YamlStyleFloat().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string Binary(string text, YamlScalarNode scalar)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c)))));
        }
        catch (FormatException)
        {
            throw new YamlException(scalar.Start, scalar.End, "a !!binary value is not valid base64");
        }
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlStyleFloat();
}
