using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using NJsonSchema.Validation.FormatValidators;

namespace KataArgo.Lint;

/// <summary>
/// The <c>date-time</c> format as Kubernetes reads a metav1.Time (k8s.io/apimachinery
/// pkg/apis/meta/v1/time.go, UnmarshalJSON): Go's <c>time.Parse(time.RFC3339, s)</c> (Go
/// src/time/format_rfc3339.go, then the general layout parser of format.go it falls back to).
/// That takes <c>YYYY-MM-DDTHH:MM:SS</c>, an optional fraction of a second after '.' or ',', and
/// <c>Z</c> or <c>±hh:mm</c>; the hour may have one digit, and the zone offset may reach 24:60.
/// NJsonSchema's own date-time check also takes dates, bare years and no zone, which Go refuses.
/// </summary>
internal sealed partial class GoTimeFormat : IFormatValidator
{
    public string Format => JsonFormatStrings.DateTime;

    public ValidationErrorKind ValidationErrorKind => ValidationErrorKind.DateTimeExpected;

    /// <summary>Whether Go reads <paramref name="value"/> as an RFC 3339 time.</summary>
    public bool IsValid(string value, JTokenType tokenType)
    {
        var match = Rfc3339().Match(value);
        if (!match.Success)
            return false;
        int Number(string group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);
        var (year, month) = (Number("year"), Number("month"));
        // Go's calendar has a year 0, a leap year as 2000 is; .NET's starts at 1.
        return month is >= 1 and <= 12
            && Number("day") >= 1 && Number("day") <= DateTime.DaysInMonth(year == 0 ? 2000 : year, month)
            && Number("hour") <= 23 && Number("minute") <= 59 && Number("second") <= 59
            && (!match.Groups["zoneHour"].Success || Number("zoneHour") <= 24 && Number("zoneMinute") <= 60);
    }

    [GeneratedRegex(@"^(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})T(?<hour>[0-9]{1,2}):(?<minute>[0-9]{2}):(?<second>[0-9]{2})([.,][0-9]+)?(Z|[+-](?<zoneHour>[0-9]{2}):(?<zoneMinute>[0-9]{2}))\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
