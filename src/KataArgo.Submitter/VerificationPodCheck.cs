using System.Text;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>
/// What preflight (templates/steps/preflight.sh) checks of <c>-p verification-pod</c> without a
/// cluster, checked before anything is sent, with preflight's lines: base64 of UTF-8 text, then the
/// rules of templates/steps/verification-pod-rules.json (<see cref="VerificationPodManifest"/>):
/// exactly one object, a Pod, that uses <c>${NODE}</c>, is pinned to it and can end.
/// </summary>
public static class VerificationPodCheck
{
    /// <summary>Null when preflight would accept the manifest, else its one-line refusal.</summary>
    public static string? Check(string base64)
    {
        var rules = VerificationPodManifest.Rules;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return rules.Message(VerificationPodPlace.Parameter, "not-base64");
        }
        catch (ArgumentException)
        {
            return rules.Message(VerificationPodPlace.Parameter, "unreadable", "detail", rules.Details["notText"]);
        }
        return VerificationPodManifest.Check(text, VerificationPodPlace.Parameter)?.Message;
    }
}
