using System.Globalization;
using System.Text;

namespace Argo.Workflows.Client;

/// <summary>Go's strconv.FormatFloat with precision -1 (shortest text that reads back the same value).</summary>
internal static class GoFloat
{
    /// <summary>FormatFloat(v, 'f', -1, 64): plain decimal digits, never an exponent (1e21 is "1000000000000000000000").</summary>
    public static string FormatF(double value)
    {
        var (negative, digits, point) = Shortest(value.ToString("R", CultureInfo.InvariantCulture));
        return Plain(negative, digits, point);
    }

    /// <summary>FormatFloat(v, 'g', -1, 32), as sigs.k8s.io/yaml turns a float mapping key into a string.</summary>
    public static string FormatG32(double value)
    {
        var (negative, digits, point) = Shortest(((float)value).ToString("R", CultureInfo.InvariantCulture));
        var exponent = point - 1;
        if (exponent is >= -4 and < 6)
            return Plain(negative, digits, point);
        var mantissa = digits.Length > 1 ? digits[..1] + "." + digits[1..] : digits;
        return $"{(negative ? "-" : "")}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }

    private static string Plain(bool negative, string digits, int point)
    {
        var text = new StringBuilder(negative ? "-" : "");
        if (point <= 0)
            text.Append("0.").Append('0', -point).Append(digits);
        else if (point >= digits.Length)
            text.Append(digits).Append('0', point - digits.Length);
        else
            text.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        return text.ToString();
    }

    /// <summary>Splits .NET's shortest round-trip text into sign, significant digits and the position of the decimal point.</summary>
    private static (bool Negative, string Digits, int Point) Shortest(string text)
    {
        if (text is "NaN" or "Infinity" or "-Infinity" or "∞" or "-∞")
            throw new ArgumentOutOfRangeException(nameof(text), $"{text} has no decimal form");
        var negative = text.StartsWith('-');
        text = text.TrimStart('-');
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.');
        var point = (dot < 0 ? text.Length : dot) + exponent;
        var digits = text.Replace(".", "");
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (digits.Length == 0)
            return (negative, "0", 1);
        return (negative, digits, point - leading);
    }
}
