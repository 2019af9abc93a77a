using System.Text.Json.Nodes;

namespace KataArgo.Testing.Kube;

/// <summary>
/// The objects of the in-process API, in Kubernetes' JSON shape, keyed by group, resource,
/// namespace and name. Thread-safe; every write stamps resourceVersion (and uid,
/// creationTimestamp, generation on create) as the API server does.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private long _version = 1000;
    private long _uids;

    private static string Key(string group, string plural, string ns, string name) => $"{group}/{plural}/{ns}/{name}";

    public JsonObject? Get(string group, string plural, string ns, string name)
    {
        lock (_lock)
            return _objects.TryGetValue(Key(group, plural, ns, name), out var o) ? (JsonObject)o.DeepClone() : null;
    }

    /// <summary>Objects of a type; in one namespace, or in all for "" (and for cluster-scoped types).</summary>
    public List<JsonObject> List(string group, string plural, string ns)
    {
        var prefix = ns.Length == 0 ? $"{group}/{plural}/" : $"{group}/{plural}/{ns}/";
        lock (_lock)
            return [.. _objects.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(p => (JsonObject)p.Value.DeepClone())];
    }

    public string ResourceVersion
    {
        get { lock (_lock) return _version.ToString(); }
    }

    /// <summary>Stores a new object (metadata.name and namespace already set); false when it exists.</summary>
    public bool Create(ApiResource resource, JsonObject obj)
    {
        var meta = obj.Meta();
        lock (_lock)
        {
            var key = Key(resource.Group, resource.Plural, (string?)meta["namespace"] ?? "", (string)meta["name"]!);
            if (_objects.ContainsKey(key))
                return false;
            _uids++;
            meta["uid"] = $"{_uids:x8}-0000-4000-8000-{_uids:x12}";
            meta["creationTimestamp"] ??= "2030-01-01T00:00:00Z";
            if (obj["spec"] is not null || resource.Kind is "DaemonSet" or "Deployment")
                meta["generation"] = 1;
            meta["resourceVersion"] = (++_version).ToString();
            obj["apiVersion"] = resource.GroupVersion;
            obj["kind"] = resource.Kind;
            _objects[key] = (JsonObject)obj.DeepClone();
            return true;
        }
    }

    /// <summary>Replaces an object; its spec changing bumps metadata.generation.</summary>
    public void Replace(ApiResource resource, JsonObject obj)
    {
        var meta = obj.Meta();
        lock (_lock)
        {
            var key = Key(resource.Group, resource.Plural, (string?)meta["namespace"] ?? "", (string)meta["name"]!);
            if (_objects.TryGetValue(key, out var old))
            {
                var oldMeta = old.Meta();
                meta["uid"] = oldMeta["uid"]?.DeepClone();
                meta["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
                var generation = oldMeta["generation"].AsLong() ?? 0;
                if (generation > 0)
                    meta["generation"] = JsonNode.DeepEquals(old["spec"], obj["spec"]) ? generation : generation + 1;
            }
            meta["resourceVersion"] = (++_version).ToString();
            obj["apiVersion"] = resource.GroupVersion;
            obj["kind"] = resource.Kind;
            _objects[key] = (JsonObject)obj.DeepClone();
        }
    }

    public JsonObject? Delete(string group, string plural, string ns, string name)
    {
        lock (_lock)
        {
            var key = Key(group, plural, ns, name);
            if (!_objects.Remove(key, out var old))
                return null;
            _version++;
            return old;
        }
    }

    /// <summary>A deep copy, for tests that start many API servers from one prepared cluster.</summary>
    public ObjectStore Clone()
    {
        var copy = new ObjectStore();
        lock (_lock)
        {
            foreach (var (k, v) in _objects)
                copy._objects[k] = (JsonObject)v.DeepClone();
            copy._version = _version;
            copy._uids = _uids;
        }
        return copy;
    }
}

public static class JsonObjectExtensions
{
    /// <summary>A JSON number as long, whatever CLR type it was stored with.</summary>
    public static long? AsLong(this JsonNode? node) => node is null ? null : long.Parse(node.ToJsonString());

    public static JsonObject Meta(this JsonObject obj) =>
        obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());
}
