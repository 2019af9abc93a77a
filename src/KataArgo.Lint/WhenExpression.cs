using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KataArgo.Lint;

/// <summary>
/// Checks a step's or task's <c>when</c> as Argo evaluates it (argo-workflows v3.7.18 and v4.1.2,
/// workflow/controller/steps.go shouldExecute): after <c>{{...}}</c> substitution, govaluate
/// (Knetic/govaluate v3.0.1-0.20250325060307) parses the text, every bare word it reads as a
/// variable is turned into a string (so <c>{{steps.a.status}} == Succeeded</c> works), and the
/// result must be a boolean. A <c>{{...}}</c> may become any text, so it is taken as a value of
/// unknown type. Reported: text govaluate cannot read, a bare word with a dot (govaluate reads it
/// as a parameter accessor, which fails), operators applied to the wrong types (<c>prod-eu</c> is
/// prod minus eu), and a result that cannot be a boolean.
/// </summary>
public static partial class WhenExpression
{
    /// <summary>Stands for a {{...}} in the expression: a value of unknown type.</summary>
    private const char Substituted = '\uE000';

    /// <summary>Null when Argo can evaluate the expression, else why not.</summary>
    public static string? Check(string expression)
    {
        var text = Substitution().Replace(expression, Substituted.ToString());
        if (text.Trim().Length == 0)
            return "the expression is empty";
        try
        {
            var tokens = GovaluateLexer.Tokens(text);
            GovaluateLexer.CheckSyntax(tokens);
            var parser = new Parser(tokens);
            var type = parser.Expression();
            if (parser.Position < tokens.Count)
                return $"unexpected '{tokens[parser.Position].Text}'";
            return type is ValueType.Boolean or ValueType.Unknown ? null
                : $"the result is {Describe(type)}, not true or false";
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    internal enum ValueType { Unknown, Number, String, Boolean, List }

    private static string Describe(ValueType type) => type switch
    {
        ValueType.Number => "a number",
        ValueType.String => "a string",
        ValueType.List => "a list",
        _ => "of unknown type",
    };

    /// <summary>govaluate's planner: separator, ternary, ||, &amp;&amp;, comparators, bitwise, shifts, additive, multiplicative, **, prefixes, values.</summary>
    private sealed class Parser(List<Token> tokens)
    {
        private static readonly string[][] Levels =
        [
            ["||"], ["&&"], ["==", "!=", ">", ">=", "<", "<=", "=~", "!~", "in"],
            ["&", "|", "^"], [">>", "<<"], ["+", "-"], ["*", "/", "%"], ["**"],
        ];

        public int Position { get; private set; }

        public ValueType Expression()
        {
            var type = Binary(0);
            if (Peek()?.Text is "?" or "??")
            {
                var op = Next();
                if (op.Text == "?" && type is not (ValueType.Boolean or ValueType.Unknown))
                    throw new FormatException($"'?' needs true or false on its left, got {Describe(type)}");
                var then = Expression();
                if (op.Text == "?" && Peek()?.Text == ":")
                {
                    Next();
                    var otherwise = Expression();
                    return then == otherwise ? then : ValueType.Unknown;
                }
                return then;
            }
            return type;
        }

        private ValueType Binary(int level)
        {
            if (level == Levels.Length)
                return Prefix();
            var start = Position;
            var left = Binary(level + 1);
            while (Peek() is { Kind: not TokenKind.Value and not TokenKind.Open and not TokenKind.Close } op && Levels[level].Contains(op.Text))
            {
                Next();
                var right = Binary(level + 1);
                left = Apply(op.Text, left, right, Span(start, Position));
            }
            return left;
        }

        private ValueType Prefix()
        {
            if (Peek() is { Kind: TokenKind.Prefix } op)
            {
                Next();
                var operand = Prefix();
                if (op.Text == "!")
                    return Require(operand, ValueType.Boolean, "'!'");
                return Require(operand, ValueType.Number, $"'{op.Text}'");
            }
            return Value();
        }

        private ValueType Value()
        {
            var token = Peek() ?? throw new FormatException("the expression ends too early");
            Next();
            switch (token.Kind)
            {
                case TokenKind.Open:
                    var inner = Expression();
                    var items = 1;
                    while (Peek()?.Text == ",")
                    {
                        Next();
                        Expression();
                        items++;
                    }
                    if (Peek()?.Kind != TokenKind.Close)
                        throw new FormatException("a '(' is not closed");
                    Next();
                    return items > 1 ? ValueType.List : inner;
                case TokenKind.Value:
                    return token.Type;
                default:
                    throw new FormatException($"unexpected '{token.Text}'");
            }
        }

        private static ValueType Apply(string op, ValueType left, ValueType right, string text)
        {
            switch (op)
            {
                case "||" or "&&":
                    Require(left, ValueType.Boolean, $"'{op}'");
                    Require(right, ValueType.Boolean, $"'{op}'");
                    return ValueType.Boolean;
                case "==" or "!=":
                    return ValueType.Boolean;
                case ">" or ">=" or "<" or "<=":
                    if (left != ValueType.Unknown && right != ValueType.Unknown && (left != right || left is not (ValueType.Number or ValueType.String)))
                        throw new FormatException($"'{op}' compares two numbers or two strings, not {Describe(left)} and {Describe(right)}, in '{text}'");
                    return ValueType.Boolean;
                case "=~" or "!~":
                    Require(left, ValueType.String, $"'{op}'");
                    Require(right, ValueType.String, $"'{op}'");
                    return ValueType.Boolean;
                case "in":
                    return ValueType.Boolean;
                case "+":
                    if (left == ValueType.String || right == ValueType.String)
                        return ValueType.String;
                    if (left is ValueType.Boolean or ValueType.List || right is ValueType.Boolean or ValueType.List)
                        throw new FormatException($"'+' adds numbers or joins strings, not {Describe(left)} and {Describe(right)}, in '{text}'");
                    return left == ValueType.Unknown || right == ValueType.Unknown ? ValueType.Unknown : ValueType.Number;
                default:
                    if (left is not (ValueType.Number or ValueType.Unknown) || right is not (ValueType.Number or ValueType.Unknown))
                        throw new FormatException($"'{op}' needs numbers, but '{text}' has {Describe(left == ValueType.Number || left == ValueType.Unknown ? right : left)} "
                            + $"(govaluate reads unquoted text as an expression); quote text, e.g. '{text.Replace(" ", "")}'");
                    return ValueType.Number;
            }
        }

        private static ValueType Require(ValueType type, ValueType wanted, string what)
        {
            if (type != wanted && type != ValueType.Unknown)
                throw new FormatException($"{what} needs {(wanted == ValueType.Boolean ? "true or false" : Describe(wanted))}, got {Describe(type)}");
            return wanted;
        }

        private string Span(int from, int to) => string.Join(" ", tokens.Skip(from).Take(to - from).Select(t => t.Text)).Replace(Substituted.ToString(), "{{...}}");

        private Token? Peek() => Position < tokens.Count ? tokens[Position] : null;

        private Token Next() => tokens[Position++];
    }

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex Substitution();

    internal enum TokenKind { Value, Prefix, Operator, Open, Close, Separator }

    internal sealed record Token(TokenKind Kind, string Text, ValueType Type = ValueType.Unknown);

    /// <summary>govaluate's lexer (parsing.go, lexerState.go), with Argo's variable-to-string conversion.</summary>
    private static partial class GovaluateLexer
    {
        private static readonly HashSet<string> Symbols =
        [
            "==", "!=", ">", ">=", "<", "<=", "=~", "!~", "&&", "||", "&", "|", "^", ">>", "<<",
            "+", "-", "*", "/", "%", "**", "!", "~", "?", ":", "??",
        ];

        public static List<Token> Tokens(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }
                if (char.IsDigit(c) || c == '.' || char.IsLetter(c) || c == Substituted)
                {
                    var start = i;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or Substituted))
                        i++;
                    tokens.Add(Word(text[start..i]));
                    continue;
                }
                if (c is '\'' or '"')
                {
                    var value = new StringBuilder();
                    i++;
                    while (i < text.Length && text[i] is not ('\'' or '"'))
                    {
                        if (text[i] == '\\' && i + 1 < text.Length)
                            i++; // govaluate: a backslash escapes the next character
                        value.Append(text[i++]);
                    }
                    if (i >= text.Length)
                        throw new FormatException("a quoted string is not closed");
                    i++;
                    tokens.Add(new Token(TokenKind.Value, $"'{value}'", ValueType.String));
                    continue;
                }
                if (c == '[')
                {
                    var end = text.IndexOf(']', i);
                    if (end < 0)
                        throw new FormatException("a '[' is not closed");
                    tokens.Add(new Token(TokenKind.Value, text[i..(end + 1)], ValueType.String));
                    i = end + 1;
                    continue;
                }
                if (c is '(' or ')' or ',')
                {
                    tokens.Add(new Token(c == '(' ? TokenKind.Open : c == ')' ? TokenKind.Close : TokenKind.Separator, c.ToString()));
                    i++;
                    continue;
                }
                var symbolStart = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && !char.IsLetterOrDigit(text[i]) && text[i] is not ('(' or ')' or '[' or ']' or '\'' or '"' or Substituted))
                    i++;
                var symbol = text[symbolStart..i];
                if (!Symbols.Contains(symbol))
                    throw new FormatException($"cannot read '{symbol}'");
                var previous = tokens.Count == 0 ? null : tokens[^1];
                var prefix = symbol is "-" or "!" or "~" && previous is null or { Kind: TokenKind.Operator or TokenKind.Prefix or TokenKind.Open or TokenKind.Separator };
                tokens.Add(new Token(prefix ? TokenKind.Prefix : TokenKind.Operator, symbol));
            }
            return tokens;
        }

        /// <summary>A run of letters, digits, '_' and '.': a number, true/false, 'in', a bare word (a string, as Argo makes it), or a substitution.</summary>
        private static Token Word(string word)
        {
            if (word.Contains(Substituted))
                return new Token(TokenKind.Value, word, ValueType.Unknown);
            if (char.IsDigit(word[0]) || word[0] == '.')
            {
                var number = NumberPrefix().Match(word).Value;
                if (number.Length < word.Length)
                    throw new FormatException($"cannot read '{word}': govaluate reads {(number.Length > 0 ? number + " then " + word[number.Length..] : word)}; quote it, e.g. '{word}'");
                if (number.StartsWith("0x", StringComparison.Ordinal) || double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    return new Token(TokenKind.Value, word, ValueType.Number);
                throw new FormatException($"'{word}' is not a number; quote it, e.g. '{word}'");
            }
            if (word is "true" or "false")
                return new Token(TokenKind.Value, word, ValueType.Boolean);
            if (word is "in" or "IN")
                return new Token(TokenKind.Operator, "in");
            if (word.Contains('.'))
                throw new FormatException($"bare word '{word}' contains a dot, so govaluate reads it as a parameter accessor, which fails; quote it, e.g. '{word}'");
            return new Token(TokenKind.Value, word, ValueType.String);
        }

        /// <summary>govaluate's lexer-state table: which token may follow which.</summary>
        public static void CheckSyntax(List<Token> tokens)
        {
            Token? last = null;
            foreach (var token in tokens)
            {
                var ok = (last?.Kind, token.Kind) switch
                {
                    (null or TokenKind.Open or TokenKind.Operator or TokenKind.Prefix or TokenKind.Separator, TokenKind.Value or TokenKind.Prefix or TokenKind.Open) => true,
                    (TokenKind.Open or TokenKind.Close or TokenKind.Value, TokenKind.Close) => true,
                    (TokenKind.Close or TokenKind.Value, TokenKind.Operator or TokenKind.Separator) => true,
                    _ => false,
                };
                if (!ok)
                    throw new FormatException(last is null ? $"unexpected '{token.Text}'"
                        : last.Kind == TokenKind.Value && token.Kind == TokenKind.Value
                            ? $"'{last.Text}' and '{token.Text}' follow each other without an operator; quote text with spaces, e.g. '{last.Text.Trim('\'')} {token.Text.Trim('\'')}'"
                            : $"unexpected '{token.Text}' after '{last.Text}'");
                last = token;
            }
            if (last is { Kind: TokenKind.Operator or TokenKind.Prefix or TokenKind.Open or TokenKind.Separator })
                throw new FormatException("the expression ends too early");
            var depth = 0;
            foreach (var token in tokens)
            {
                depth += token.Kind == TokenKind.Open ? 1 : token.Kind == TokenKind.Close ? -1 : 0;
                if (depth < 0)
                    throw new FormatException("unexpected ')'");
            }
            if (depth > 0)
                throw new FormatException("a '(' is not closed");
        }

        [GeneratedRegex(@"^(0x[0-9a-fA-F]+|[0-9.]+)")]
        private static partial Regex NumberPrefix();
    }
}
