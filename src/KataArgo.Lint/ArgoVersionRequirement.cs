namespace KataArgo.Lint;

/// <summary>
/// Which supported Argo versions a file must be valid for (<c>kata-argo lint --argo-version</c>):
/// one version (<c>3.7</c>, <c>4.1</c>), <c>all</c> of them, or <c>any</c> one of them. Problems
/// of a version not required are not errors: with <c>any</c> they are warnings when another
/// version accepts the file; with a named version they are not reported.
/// </summary>
public sealed record ArgoVersionRequirement(string Name, IReadOnlyList<ArgoSchema> Versions, bool AnyOne)
{
    public static ArgoVersionRequirement All { get; } = new("all", ArgoSchema.All, false);

    public static ArgoVersionRequirement Any { get; } = new("any", ArgoSchema.All, true);

    public static string AcceptedForms => string.Join(", ", ArgoSchema.All.Select(s => s.Version)) + ", all or any";

    /// <exception cref="ArgumentException">The text names no supported version, with the accepted forms.</exception>
    public static ArgoVersionRequirement Parse(string text) => text switch
    {
        "all" => All,
        "any" => Any,
        _ when ArgoSchema.All.FirstOrDefault(s => s.Version == text || s.Release == text || s.Release == "v" + text) is { } schema
            => new(schema.Version, [schema], false),
        _ => throw new ArgumentException($"'{text}' is not an Argo version lint checks; use {AcceptedForms}"),
    };

    public override string ToString() => Name;
}
