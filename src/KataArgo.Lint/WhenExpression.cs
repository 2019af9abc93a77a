using System.Text.RegularExpressions;

namespace KataArgo.Lint;

/// <summary>
/// Parses a step's <c>when</c> as Argo evaluates it (govaluate syntax) after substituting
/// <c>{{...}}</c>: literals, comparison, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>, parentheses.
/// A bare word is an error: govaluate reads it as an undefined variable.
/// </summary>
public static partial class WhenExpression
{
    /// <summary>Null when the expression parses, else why not.</summary>
    public static string? Check(string expression)
    {
        var tokens = Tokens().Matches(Substitution().Replace(expression, " 0 ")).Select(m => m.Value).ToList();
        var rest = Tokens().Replace(Substitution().Replace(expression, " 0 "), "").Trim();
        if (rest.Length > 0)
            return $"cannot read '{rest}'";
        var parser = new Parser(tokens);
        return parser.Parse();
    }

    private sealed class Parser(List<string> tokens)
    {
        private int _position;

        public string? Parse()
        {
            if (tokens.Count == 0)
                return "the expression is empty";
            var error = Or();
            if (error is null && _position < tokens.Count)
                error = $"unexpected '{tokens[_position]}'";
            return error;
        }

        private string? Or() => Binary(And, "||");

        private string? And() => Binary(Comparison, "&&");

        private string? Binary(Func<string?> operand, string op)
        {
            var error = operand();
            while (error is null && Peek() == op)
            {
                _position++;
                error = operand();
            }
            return error;
        }

        private string? Comparison()
        {
            var error = Unary();
            if (error is null && Peek() is "==" or "!=" or "<" or ">" or "<=" or ">=" or "=~" or "!~")
            {
                _position++;
                error = Unary();
            }
            return error;
        }

        private string? Unary()
        {
            if (Peek() is "!" or "-")
            {
                _position++;
                return Unary();
            }
            return Primary();
        }

        private string? Primary()
        {
            var token = Peek();
            if (token is null)
                return "the expression ends too early";
            _position++;
            if (token == "(")
            {
                var error = Or();
                if (error is not null)
                    return error;
                if (Peek() != ")")
                    return "a '(' is not closed";
                _position++;
                return null;
            }
            if (token is "true" or "false" || NumberOrString().IsMatch(token))
                return null;
            if (char.IsLetter(token[0]) || token[0] == '_')
                return $"bare word '{token}' is read as an undefined variable; quote strings, e.g. '{token}'";
            return $"unexpected '{token}'";
        }

        private string? Peek() => _position < tokens.Count ? tokens[_position] : null;
    }

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex Substitution();

    [GeneratedRegex(@"'[^']*'|""[^""]*""|[0-9]+(\.[0-9]+)?|&&|\|\||==|!=|<=|>=|=~|!~|[!<>()-]|[A-Za-z_][A-Za-z0-9_.-]*")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"^('[^']*'|""[^""]*""|[0-9]+(\.[0-9]+)?)$")]
    private static partial Regex NumberOrString();
}
