using System.Text;
using KataArgo.Lifecycle;

namespace KataArgo.Chart;

/// <summary>The RBAC rules as a Markdown table (chart README and docs/security.md): rule, steps, why.</summary>
public static class PermissionsTable
{
    public static string Markdown()
    {
        var table = new StringBuilder();
        table.Append("| scope | API group | resources | verbs | names | steps | why |\n");
        table.Append("|---|---|---|---|---|---|---|\n");
        foreach (var p in StepPermissions.All)
        {
            var names = p.ResourceNames is { } n
                ? string.Join(", ", n.Select(x => "`" + x.Replace(StepPermissions.Suffix, "[-SUFFIX]").Replace(StepPermissions.Release, "RELEASE") + "`"))
                : "any";
            table.Append($"| {Scope(p.Scope)} | {(p.ApiGroup.Length == 0 ? "core" : p.ApiGroup)} | {string.Join(", ", p.Resources)} | ")
                .Append($"{string.Join(", ", p.Verbs)} | {names} | {p.Steps} | {p.Why} |\n");
        }
        return table.ToString();
    }

    public static string Scope(PermissionScope scope) => scope switch
    {
        PermissionScope.Cluster => "cluster",
        PermissionScope.HelmNamespace => "`defaults.helmNamespace`",
        PermissionScope.VerificationNamespace => "`defaults.verificationNamespace`",
        PermissionScope.WorkflowNamespace => "`argoNamespace`",
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    };
}
