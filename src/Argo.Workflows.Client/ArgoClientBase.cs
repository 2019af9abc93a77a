using System.Text.Json;

namespace Argo.Workflows.Client;

/// <summary>Base of every generated service client: one place for the JSON settings.</summary>
public abstract class ArgoClientBase
{
    protected static void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ArgoJson.Configure(settings);
}
