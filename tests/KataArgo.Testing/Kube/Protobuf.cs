using System.Text;
using System.Text.Json.Nodes;

namespace KataArgo.Testing.Kube;

/// <summary>
/// Reads the Kubernetes protobuf encoding ("k8s\0" + runtime.Unknown) of the objects the real
/// clients send that way here: client-go's typed clientset writes Secrets (Helm's storage driver)
/// and SelfSubjectAccessReviews (kubectl auth can-i) as protobuf. Field numbers from
/// k8s.io/api/{core,authorization}/v1/generated.proto and k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.
/// </summary>
public static class Protobuf
{
    public static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static bool IsEnvelope(byte[] body) => body.AsSpan().StartsWith(Magic);

    /// <summary>The object in the envelope as JSON; only Secrets are read, anything else throws.</summary>
    public static JsonObject Decode(byte[] body)
    {
        string apiVersion = "", kind = "";
        byte[] raw = [];
        foreach (var (field, value) in Fields(body.AsMemory(Magic.Length)))
        {
            if (field == 1)
                foreach (var (f, v) in Fields(value))
                {
                    if (f == 1) apiVersion = Text(v);
                    if (f == 2) kind = Text(v);
                }
            else if (field == 2)
                raw = value.ToArray();
        }
        if (apiVersion == "authorization.k8s.io/v1" && kind == "SelfSubjectAccessReview")
            return AccessReview(raw);
        if (apiVersion != "v1" || kind != "Secret")
            throw new InvalidOperationException($"protobuf bodies of {apiVersion} {kind} are not read; only Secrets and SelfSubjectAccessReviews are");
        var secret = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret" };
        var data = new JsonObject();
        foreach (var (field, value) in Fields(raw))
        {
            switch (field)
            {
                case 1: secret["metadata"] = ObjectMeta(value); break;
                case 2:
                    var (key, bytes) = Entry(value);
                    data[key] = Convert.ToBase64String(bytes);
                    break;
                case 3: secret["type"] = Text(value); break;
            }
        }
        if (data.Count > 0)
            secret["data"] = data;
        return secret;
    }

    private static JsonObject AccessReview(byte[] raw)
    {
        string[] names = ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"];
        var attributes = new JsonObject();
        foreach (var (field, spec) in Fields(raw))
            if (field == 2)
                foreach (var (f, value) in Fields(spec))
                    if (f == 1)
                        foreach (var (a, text) in Fields(value))
                            if (a < names.Length)
                                attributes[names[a]] = Text(text);
        return new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SelfSubjectAccessReview", ["metadata"] = new JsonObject(),
            ["spec"] = new JsonObject { ["resourceAttributes"] = attributes },
        };
    }

    private static JsonObject ObjectMeta(ReadOnlyMemory<byte> bytes)
    {
        var meta = new JsonObject();
        JsonObject Map(string name) => meta[name] as JsonObject ?? (JsonObject)(meta[name] = new JsonObject());
        foreach (var (field, value) in Fields(bytes))
        {
            switch (field)
            {
                case 1: meta["name"] = Text(value); break;
                case 2: meta["generateName"] = Text(value); break;
                case 3: meta["namespace"] = Text(value); break;
                case 5: meta["uid"] = Text(value); break;
                case 6: meta["resourceVersion"] = Text(value); break;
                case 11:
                {
                    var (k, v) = Entry(value);
                    Map("labels")[k] = Encoding.UTF8.GetString(v);
                    break;
                }
                case 12:
                {
                    var (k, v) = Entry(value);
                    Map("annotations")[k] = Encoding.UTF8.GetString(v);
                    break;
                }
            }
        }
        return meta;
    }

    private static (string, byte[]) Entry(ReadOnlyMemory<byte> bytes)
    {
        string key = "";
        byte[] value = [];
        foreach (var (f, v) in Fields(bytes))
        {
            if (f == 1) key = Text(v);
            if (f == 2) value = v.ToArray();
        }
        return (key, value);
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The length-delimited fields of a message (varint and fixed fields are skipped).</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var i = 0;
        while (i < message.Length)
        {
            var key = Varint(message.Span, ref i);
            var field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0: Varint(message.Span, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(message.Span, ref i);
                    yield return (field, message.Slice(i, length));
                    i += length;
                    break;
                default: throw new InvalidOperationException($"unsupported protobuf wire type {key & 7}");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
    }
}
