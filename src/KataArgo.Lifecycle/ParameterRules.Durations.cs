using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KataArgo.Lifecycle;

/// <summary>
/// Durations: the accepted form is a Go duration of whole hours, minutes and seconds whose first
/// unit has no leading zero and whose later units are below 60 (300s, 10m, 90m, 1h30m, 1h05m),
/// greater than zero and at most the parameter's maximum. <see cref="DurationPattern"/> writes
/// exactly that set as one regular expression, for values.schema.json (Helm's JSON schema
/// validators: Go RE2 and ECMA-262 alike), so the chart refuses what <see cref="Check"/> refuses.
/// Go's own syntax (time.ParseDuration, go/src/time/format.go: a sign, decimal numbers with
/// fractions, units ns, us, µs, ms, s, m, h in any order) is wider: such a value is refused with a
/// message saying it is a Go duration this workflow does not take, not that it is no duration.
/// lib.sh's check_value gives the same messages; tests/cases/durations.json holds the cases both pass.
/// </summary>
public static partial class ParameterRules
{
    /// <summary>The accepted form, as the messages name it.</summary>
    public const string DurationForm = "whole hours, minutes and seconds such as 300s, 10m or 1h30m";

    /// <summary>A Go duration of hours, minutes and seconds, e.g. 300s, 10m, 1h30m; null for anything else.</summary>
    public static TimeSpan? ParseDuration(string value)
    {
        var match = AnyDurationPattern().Match(value);
        if (!match.Success || value.Length == 0)
            return null;
        static long Part(Group g) => g.Success ? long.Parse(g.Value[..^1], CultureInfo.InvariantCulture) : 0;
        // At most nine digits per unit, as the preflight script reads them.
        if (match.Groups.Values.Skip(1).Any(g => g.Success && g.Length > 10))
            return null;
        var seconds = Part(match.Groups[1]) * 3600 + Part(match.Groups[2]) * 60 + Part(match.Groups[3]);
        return seconds >= (long)TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
    }

    private static string? CheckDuration(WorkflowParameter parameter, string value)
    {
        var name = parameter.Name;
        var shown = Show(value);
        var max = parameter.MaxDuration ?? TimeSpan.MaxValue;
        var duration = ParseDuration(value);
        if (duration is null)
        {
            // Whole units in order, but more than nine digits in one: beyond any maximum.
            if (value.Length > 0 && AnyDurationPattern().IsMatch(value))
                return $"{name}: '{shown}' is longer than the maximum {Format(max)}";
            if (!GoDurationPattern().IsMatch(value))
                return $"{name}: '{shown}' is not a duration; use {DurationForm}";
            if (!value.Any(c => c is >= '1' and <= '9'))
                return $"{name}: '{shown}' is zero; give a positive duration such as 300s, 10m or 1h30m";
            return $"{name}: '{shown}' is a Go duration, but not one this workflow takes: use whole hours, minutes and seconds, in that order, such as 300s, 10m or 1h30m (no ms, us or ns, fractions or signs)";
        }
        if (duration <= TimeSpan.Zero)
            return $"{name}: '{shown}' is zero; give a positive duration such as 300s, 10m or 1h30m";
        if (duration > max)
            return $"{name}: '{shown}' is longer than the maximum {Format(max)}";
        if (!CanonicalDurationPattern().IsMatch(value))
            return $"{name}: '{shown}' is not in the accepted form; write the first unit without leading zeros and later units below 60, e.g. 300s, 90m or 1h30m";
        return null;
    }

    /// <summary>Whole hours, minutes and seconds in that order (what <see cref="ParseDuration"/> reads).</summary>
    [GeneratedRegex(@"^([0-9]+h)?([0-9]+m)?([0-9]+s)?\z")]
    private static partial Regex AnyDurationPattern();

    /// <summary>The accepted form (what <see cref="DurationPattern"/> writes for a maximum).</summary>
    [GeneratedRegex(@"^([1-9][0-9]*h([0-5]?[0-9]m)?([0-5]?[0-9]s)?|[1-9][0-9]*m([0-5]?[0-9]s)?|[1-9][0-9]*s)\z")]
    private static partial Regex CanonicalDurationPattern();

    /// <summary>Go's time.ParseDuration syntax: an optional sign, then "0" or numbers (with fractions) each with its unit.</summary>
    [GeneratedRegex(@"^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)\z")]
    private static partial Regex GoDurationPattern();

    private const string Space = "[ \\t\\n\\r\\f\\v]";
    private const string SelectorKey = "([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";
    private const string SelectorValue = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";
    private const string SelectorRequirement =
        Space + "*(" + SelectorKey + Space + "+(in|notin)" + Space + "*\\(" + Space + "*" + SelectorValue + Space + "*(," + Space + "*" + SelectorValue + Space + "*)*\\)" +
        "|" + SelectorKey + Space + "*(==|=|!=)" + Space + "*" + SelectorValue + "|(!" + Space + "*)?" + SelectorKey + ")" + Space + "*";

    /// <summary>
    /// Label selectors as one regular expression for values.schema.json: the grammar of lib.sh's
    /// SELECTOR_RE and <see cref="LabelSelectorText.IsValid"/>.
    /// </summary>
    public const string SelectorPattern = "^(" + Space + "*|" + SelectorRequirement + "(," + SelectorRequirement + ")*)$";

    /// <summary>
    /// Comma-separated node names for values.schema.json, as two patterns that must both hold
    /// (RE2 has no look-ahead): the DNS-subdomain shape of each name, and each name's length of at most 253.
    /// </summary>
    public static readonly IReadOnlyList<string> NodeListPatterns =
    [
        @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(,[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)*)?$",
        @"^([^,]{1,253}(,[^,]{1,253})*)?$",
    ];

    /// <summary>The durations from 1s to <paramref name="max"/> in the accepted form, anchored; no look-arounds.</summary>
    public static string DurationPattern(TimeSpan max)
    {
        var limit = (int)max.TotalSeconds;
        if (limit < 1 || limit != max.TotalSeconds)
            throw new ArgumentOutOfRangeException(nameof(max), max, "a whole number of seconds, at least 1");
        var alternatives = new List<string> { Range(1, limit) + "s" };
        var (minutes, secondsLeft) = Math.DivRem(limit, 60);
        if (minutes >= 2)
            alternatives.Add($"{Range(1, minutes - 1)}m(?:{Later(0, 59)}s)?");
        if (minutes >= 1)
            alternatives.Add($"{Range(minutes, minutes)}m(?:{Later(0, secondsLeft)}s)?");
        var (hours, rest) = Math.DivRem(limit, 3600);
        if (hours >= 2)
            alternatives.Add($"{Range(1, hours - 1)}h(?:{Later(0, 59)}m)?(?:{Later(0, 59)}s)?");
        if (hours >= 1)
            alternatives.Add($"{Range(hours, hours)}h{Tail(rest)}");
        return "^(?:" + string.Join("|", alternatives) + ")$";
    }

    /// <summary>Optional minutes and seconds (each below 60) adding up to at most <paramref name="budget"/> seconds (under an hour).</summary>
    private static string Tail(int budget)
    {
        var (minutes, seconds) = Math.DivRem(budget, 60);
        var options = new List<string> { $"(?:{Later(0, Math.Min(59, budget))}s)?" };
        if (minutes >= 1)
            options.Add($"{Later(0, minutes - 1)}m(?:{Later(0, 59)}s)?");
        options.Add($"{Later(minutes, minutes)}m(?:{Later(0, seconds)}s)?");
        return "(?:" + string.Join("|", options) + ")";
    }

    /// <summary>A unit after the first: one or two digits (a leading zero allowed) worth from lo to hi (at most 59).</summary>
    private static string Later(int lo, int hi)
    {
        var options = new List<string>();
        if (lo <= 9)
            options.Add("0?" + Range(lo, Math.Min(hi, 9)));
        if (hi >= 10)
            options.Add(Range(Math.Max(lo, 10), hi));
        return options.Count == 1 ? options[0] : "(?:" + string.Join("|", options) + ")";
    }

    /// <summary>The whole numbers from lo to hi, written without leading zeros.</summary>
    internal static string Range(int lo, int hi)
    {
        var options = new List<string>();
        for (var digits = Digits(lo); digits <= Digits(hi); digits++)
        {
            var from = Math.Max(lo, digits == 1 ? 0 : Pow10(digits - 1));
            var to = Math.Min(hi, Pow10(digits) - 1);
            if (from <= to)
                options.Add(SameLength(Text(from), Text(to)));
        }
        return options.Count == 1 ? options[0] : "(?:" + string.Join("|", options) + ")";
    }

    /// <summary>The numbers from a to b, both written with the same number of digits.</summary>
    private static string SameLength(string a, string b)
    {
        if (a.Length == 1)
            return a == b ? a : $"[{a}-{b}]";
        if (a[0] == b[0])
            return a[0] + SameLength(a[1..], b[1..]);
        var rest = a.Length - 1;
        var any = rest == 1 ? "[0-9]" : $"[0-9]{{{rest}}}";
        var lowFull = a[1..].All(c => c == '0');
        var highFull = b[1..].All(c => c == '9');
        var options = new StringBuilder();
        void Add(string option) => options.Append(options.Length == 0 ? "" : "|").Append(option);
        var first = lowFull ? a[0] : (char)(a[0] + 1);
        var last = highFull ? b[0] : (char)(b[0] - 1);
        if (!lowFull)
            Add(a[0] + SameLength(a[1..], new string('9', rest)));
        if (first <= last)
            Add((first == last ? first.ToString() : $"[{first}-{last}]") + any);
        if (!highFull)
            Add(b[0] + SameLength(new string('0', rest), b[1..]));
        return options.ToString().Contains('|') ? $"(?:{options})" : options.ToString();
    }

    private static int Digits(int n) => Text(n).Length;

    private static int Pow10(int n) => (int)Math.Pow(10, n);

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
