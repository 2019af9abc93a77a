using System.Globalization;
using System.Text.RegularExpressions;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>
/// The `when` expressions the template uses, after Argo's textual substitution: comparisons
/// joined by && and ||. Anything more throws, so a new kind of expression gets a real test.
/// </summary>
public static partial class ArgoExpression
{
    public static bool Evaluate(string expression) =>
        expression.Split("||").Any(any => any.Split("&&").All(Compare));

    private static bool Compare(string clause)
    {
        var match = Comparison().Match(clause);
        if (!match.Success)
            throw new NotSupportedException($"unsupported when expression '{clause.Trim()}'");
        var (left, op, right) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
        if (double.TryParse(left, CultureInfo.InvariantCulture, out var l) && double.TryParse(right, CultureInfo.InvariantCulture, out var r))
        {
            return op switch
            {
                "==" => l == r, "!=" => l != r, ">" => l > r, "<" => l < r, ">=" => l >= r, _ => l <= r,
            };
        }
        return op switch
        {
            "==" => left == right,
            "!=" => left != right,
            _ => throw new NotSupportedException($"'{op}' between non-numbers in '{clause.Trim()}'"),
        };
    }

    [GeneratedRegex(@"^\s*([^\s=!<>]+)\s*(==|!=|>=|<=|>|<)\s*([^\s=!<>]+)\s*$")]
    private static partial Regex Comparison();
}
