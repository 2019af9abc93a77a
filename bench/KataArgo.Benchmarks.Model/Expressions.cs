using System.Globalization;
using System.Text.RegularExpressions;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// Argo's <c>{{name}}</c> substitution (simple tags; <c>{{=expression}}</c> tags are not modelled)
/// and its <c>when</c> evaluation (<c>steps.go shouldExecute</c>: govaluate, bare words read as strings).
/// </summary>
public static partial class Expressions
{
    /// <summary>
    /// Replaces every <c>{{name}}</c> the lookup knows. Unknown tags stay as they are, unless
    /// <paramref name="strict"/>: then an unknown tag throws, naming <paramref name="where"/>.
    /// </summary>
    public static string Substitute(string text, Func<string, string?> lookup, bool strict = false, string where = "")
    {
        if (!text.Contains("{{", StringComparison.Ordinal))
            return text;
        return Tag().Replace(text, match =>
        {
            var name = match.Groups[1].Value.Trim();
            if (lookup(name) is { } value)
                return value;
            if (strict)
                throw new NotSupportedException($"{where}: cannot resolve '{match.Value}' (the model resolves workflow.*, inputs.*, steps.*.outputs.*, item and pod/node names)");
            return match.Value;
        });
    }

    /// <summary>References in a text, e.g. <c>steps.select.outputs.parameters.nodes</c>.</summary>
    public static IEnumerable<string> References(string? text) =>
        text is null ? [] : Tag().Matches(text).Select(m => m.Groups[1].Value.Trim());

    /// <summary>The reference when the whole text is one tag, else null.</summary>
    public static string? SoleReference(string? text)
    {
        var match = text is null ? null : Tag().Match(text.Trim());
        return match is { Success: true } && match.Length == text!.Trim().Length ? match.Groups[1].Value.Trim() : null;
    }

    /// <summary>References compared with a number in a <c>when</c> (e.g. <c>{{x}} &gt; 0</c>).</summary>
    public static IEnumerable<string> NumericallyCompared(string? when) =>
        when is null ? [] : NumericComparison().Matches(when).Select(m => (m.Groups[1].Success ? m.Groups[1] : m.Groups[2]).Value.Trim());

    /// <summary><c>shouldExecute</c>: true for an empty expression; throws on what it cannot read.</summary>
    public static bool When(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            return true;
        var tokens = WhenToken().Matches(expression).Select(m => m.Value).ToList();
        if (WhenToken().Replace(expression, "").Trim().Length > 0)
            throw new NotSupportedException($"when '{expression}': cannot read it");
        var parser = new WhenParser(tokens, expression);
        var result = parser.Or();
        if (!parser.AtEnd)
            throw new NotSupportedException($"when '{expression}': unexpected '{parser.Peek}'");
        return result is bool b ? b : throw new NotSupportedException($"when '{expression}' is not a boolean");
    }

    private sealed class WhenParser(List<string> tokens, string expression)
    {
        private int _position;

        public bool AtEnd => _position >= tokens.Count;

        public string? Peek => AtEnd ? null : tokens[_position];

        public object Or()
        {
            var left = And();
            while (Peek == "||")
            {
                _position++;
                var right = And();
                left = Bool(left) || Bool(right);
            }
            return left;
        }

        private object And()
        {
            var left = Comparison();
            while (Peek == "&&")
            {
                _position++;
                var right = Comparison();
                left = Bool(left) && Bool(right);
            }
            return left;
        }

        private object Comparison()
        {
            var left = Unary();
            if (Peek is not ("==" or "!=" or "<" or ">" or "<=" or ">=" or "=~" or "!~"))
                return left;
            var op = tokens[_position++];
            var right = Unary();
            return op switch
            {
                "==" => Equals(left, right),
                "!=" => !Equals(left, right),
                "=~" => Regex.IsMatch(Text(left), Text(right)),
                "!~" => !Regex.IsMatch(Text(left), Text(right)),
                _ when left is double l && right is double r => op switch { "<" => l < r, ">" => l > r, "<=" => l <= r, _ => l >= r },
                _ when left is string ls && right is string rs => op switch
                {
                    "<" => string.CompareOrdinal(ls, rs) < 0, ">" => string.CompareOrdinal(ls, rs) > 0,
                    "<=" => string.CompareOrdinal(ls, rs) <= 0, _ => string.CompareOrdinal(ls, rs) >= 0,
                },
                _ => throw new NotSupportedException($"when '{expression}': cannot compare {left} {op} {right}"),
            };
        }

        private object Unary()
        {
            if (Peek == "!")
            {
                _position++;
                return !Bool(Unary());
            }
            return Primary();
        }

        private object Primary()
        {
            var token = Peek ?? throw new NotSupportedException($"when '{expression}' ends too early");
            _position++;
            if (token == "(")
            {
                var value = Or();
                if (Peek != ")")
                    throw new NotSupportedException($"when '{expression}': '(' not closed");
                _position++;
                return value;
            }
            if (token is "true" or "false")
                return token == "true";
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                return number;
            if (token[0] is '\'' or '"')
                return token[1..^1];
            // govaluate variables are read as strings by Argo (shouldExecute).
            return token;
        }

        private bool Bool(object value) => value as bool? ?? throw new NotSupportedException($"when '{expression}': '{value}' is not a boolean");

        private static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
    }

    [GeneratedRegex(@"\{\{([^{}]*)\}\}")]
    private static partial Regex Tag();

    [GeneratedRegex(@"'[^']*'|""[^""]*""|[0-9]+(\.[0-9]+)?|&&|\|\||==|!=|<=|>=|=~|!~|[!<>()]|[A-Za-z_][A-Za-z0-9_.]*")]
    private static partial Regex WhenToken();

    [GeneratedRegex(@"\{\{([^{}]*)\}\}\s*(?:<=|>=|<|>)\s*[0-9]|[0-9]\s*(?:<=|>=|<|>)\s*\{\{([^{}]*)\}\}")]
    private static partial Regex NumericComparison();
}
