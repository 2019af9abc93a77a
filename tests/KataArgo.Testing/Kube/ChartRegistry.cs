using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KataArgo.Testing.Kube;

/// <summary>
/// An OCI registry on 127.0.0.1 over HTTPS that serves Helm charts (packaged by the real
/// <c>helm package</c>) the way ghcr.io serves kata-deploy's: tags/list, manifests and blobs of
/// the OCI distribution API, with Helm's media types. Helm trusts it through SSL_CERT_FILE=
/// <see cref="CertificateFile"/>, so chart references stay <c>oci://HOST/PATH</c> with no extra flag.
/// </summary>
public sealed partial class ChartRegistry : IAsyncDisposable
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string ConfigType = "application/vnd.cncf.helm.config.v1+json";
    private const string ChartType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    private readonly WebApplication _app;
    private readonly Dictionary<string, Dictionary<string, string>> _tags = [];
    private readonly Dictionary<string, (string Type, byte[] Data)> _blobs = [];
    private readonly object _lock = new();

    private ChartRegistry(WebApplication app, string certificateFile)
    {
        _app = app;
        CertificateFile = certificateFile;
    }

    /// <summary>host:port, e.g. 127.0.0.1:40123.</summary>
    public string Host { get; private set; } = "";

    /// <summary>PEM of the registry's self-signed certificate, for SSL_CERT_FILE.</summary>
    public string CertificateFile { get; }

    public static async Task<ChartRegistry> StartAsync(string directory)
    {
        var certificate = TestTls.SelfSigned("chart-registry.test");
        var pem = Path.Combine(directory, "registry-ca.pem");
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var registry = new ChartRegistry(app, pem);
        app.Run(registry.HandleAsync);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        registry.Host = $"127.0.0.1:{url.Port}";
        return registry;
    }

    /// <summary>Serves a packaged chart (.tgz) as REPOSITORY:VERSION; its config is the chart's metadata.</summary>
    public void Push(string repository, string name, string version, byte[] chart)
    {
        var config = Encoding.UTF8.GetBytes(new JsonObject { ["name"] = name, ["version"] = version, ["apiVersion"] = "v2" }.ToJsonString());
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = ManifestType,
            ["config"] = Descriptor(ConfigType, config),
            ["layers"] = new JsonArray(Descriptor(ChartType, chart)),
        }.ToJsonString());
        lock (_lock)
        {
            _blobs[Digest(config)] = (ConfigType, config);
            _blobs[Digest(chart)] = (ChartType, chart);
            _blobs[Digest(manifest)] = (ManifestType, manifest);
            if (!_tags.TryGetValue(repository, out var tags))
                _tags[repository] = tags = [];
            tags[version] = Digest(manifest);
        }
    }

    private static JsonObject Descriptor(string type, byte[] data) =>
        new() { ["mediaType"] = type, ["digest"] = Digest(data), ["size"] = data.Length };

    private static string Digest(byte[] data) => "sha256:" + Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path is "/v2" or "/v2/")
        {
            await Write(context, 200, "application/json", "{}"u8.ToArray());
            return;
        }
        var m = DistributionPath().Match(path);
        if (!m.Success)
        {
            await Error(context, 404, "NAME_UNKNOWN", "repository name not known to registry");
            return;
        }
        var (repository, kind, reference) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
        Dictionary<string, string>? tags;
        (string Type, byte[] Data) blob;
        lock (_lock)
        {
            _tags.TryGetValue(repository, out tags);
            var digest = kind == "manifests" && tags is not null && tags.TryGetValue(reference, out var d) ? d : reference;
            blob = kind != "tags/list" && _blobs.TryGetValue(digest, out var b) ? b : default;
        }
        if (tags is null)
            await Error(context, 404, "NAME_UNKNOWN", "repository name not known to registry");
        else if (kind == "tags/list")
            await Write(context, 200, "application/json", Encoding.UTF8.GetBytes(new JsonObject
            {
                ["name"] = repository, ["tags"] = new JsonArray([.. tags.Keys.Order().Select(t => (JsonNode)t)]),
            }.ToJsonString()));
        else if (blob.Data is null || (kind == "manifests") != (blob.Type == ManifestType))
            await Error(context, 404, kind == "manifests" ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN", kind == "manifests" ? "manifest unknown" : "blob unknown to registry");
        else
        {
            context.Response.Headers["Docker-Content-Digest"] = Digest(blob.Data);
            await Write(context, 200, blob.Type, blob.Data);
        }
    }

    private static async Task Write(HttpContext context, int status, string type, byte[] data)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        context.Response.ContentLength = data.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await context.Response.Body.WriteAsync(data);
    }

    private static Task Error(HttpContext context, int status, string code, string message) =>
        Write(context, status, "application/json", Encoding.UTF8.GetBytes(new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }),
        }.ToJsonString()));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [GeneratedRegex("^/v2/(.+)/(manifests|blobs|tags/list)(?:/(.+))?$")]
    private static partial Regex DistributionPath();
}
