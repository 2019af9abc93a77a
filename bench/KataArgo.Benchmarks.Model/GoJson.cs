using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// JSON as Go's <c>encoding/json</c> writes it, which is what Argo measures (<c>json.Marshal</c>):
/// compact, and strings escaped the Go way: <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 as
/// <c>\u00XX</c>/<c>\u20XX</c>, control characters escaped, everything else raw UTF-8. Object keys
/// are written in the order given (Go: struct field order; map keys sorted by the caller).
/// </summary>
public sealed class GoJsonWriter(Stream output) : IDisposable
{
    private readonly Stream _output = output;
    private readonly Stack<bool> _first = new();
    private bool _afterName;
    private byte[] _buffer = new byte[4096];

    public void StartObject() { Separate(); Byte((byte)'{'); _first.Push(true); }

    public void EndObject() { _first.Pop(); Byte((byte)'}'); }

    public void StartArray() { Separate(); Byte((byte)'['); _first.Push(true); }

    public void EndArray() { _first.Pop(); Byte((byte)']'); }

    public void Name(string name)
    {
        Separate();
        Quoted(name);
        Byte((byte)':');
        _afterName = true;
    }

    public void String(string value) { Separate(); Quoted(value); }

    public void Number(long value) { Separate(); Ascii(value.ToString(CultureInfo.InvariantCulture)); }

    public void Bool(bool value) { Separate(); Ascii(value ? "true" : "false"); }

    /// <summary>A timestamp as <c>metav1.Time</c> marshals it: RFC 3339, whole seconds, UTC.</summary>
    public void Time(DateTimeOffset value) =>
        String(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    public void Property(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        Name(name);
        String(value);
    }

    /// <summary>Any JSON tree, objects in their own key order.</summary>
    public void Node(JsonNode? node)
    {
        switch (node)
        {
            case null:
                Separate();
                Ascii("null");
                break;
            case JsonObject obj:
                StartObject();
                foreach (var (key, value) in obj)
                {
                    Name(key);
                    Node(value);
                }
                EndObject();
                break;
            case JsonArray array:
                StartArray();
                foreach (var item in array)
                    Node(item);
                EndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                String(value.GetValue<string>());
                break;
            default:
                Separate();
                Ascii(node.ToJsonString());
                break;
        }
    }

    public void Element(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                StartObject();
                foreach (var p in element.EnumerateObject())
                {
                    Name(p.Name);
                    Element(p.Value);
                }
                EndObject();
                break;
            case JsonValueKind.Array:
                StartArray();
                foreach (var item in element.EnumerateArray())
                    Element(item);
                EndArray();
                break;
            case JsonValueKind.String:
                String(element.GetString()!);
                break;
            default:
                Separate();
                Ascii(element.GetRawText());
                break;
        }
    }

    public void Dispose() => _output.Flush();

    private void Separate()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }
        if (_first.Count == 0)
            return;
        if (_first.Peek())
        {
            _first.Pop();
            _first.Push(false);
        }
        else
        {
            Byte((byte)',');
        }
    }

    private void Quoted(string value)
    {
        var escaped = GoJson.Escape(value);
        var max = Encoding.UTF8.GetMaxByteCount(escaped.Length) + 2;
        if (_buffer.Length < max)
            _buffer = new byte[Math.Max(max, _buffer.Length * 2)];
        _buffer[0] = (byte)'"';
        var length = Encoding.UTF8.GetBytes(escaped, 0, escaped.Length, _buffer, 1);
        _buffer[length + 1] = (byte)'"';
        _output.Write(_buffer, 0, length + 2);
    }

    private void Ascii(string text)
    {
        foreach (var c in text)
            _output.WriteByte((byte)c);
    }

    private void Byte(byte b) => _output.WriteByte(b);
}

public static class GoJson
{
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\<>&\u2028\u2029\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    /// <summary>A string's content as Go's <c>encoding/json</c> escapes it (without the quotes).</summary>
    public static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny(NeedsEscape) < 0)
            return value;
        var builder = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Bytes of a JSON tree as Go marshals it.</summary>
    public static long Size(JsonNode? node)
    {
        using var counter = new CountingStream();
        using (var writer = new GoJsonWriter(counter))
            writer.Node(node);
        return counter.Length;
    }

    /// <summary>A JSON element as Go marshals it (compact; map keys sorted, as Go sorts map keys).</summary>
    public static string Compact(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new GoJsonWriter(stream))
            writer.Node(Sorted(JsonNode.Parse(element.GetRawText())));
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray([.. array.Select(i => Sorted(i?.DeepClone()))]),
        _ => node?.DeepClone(),
    };
}

/// <summary>A write-only stream that only counts bytes.</summary>
public sealed class CountingStream : Stream
{
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => _length += count;
    public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    public override void WriteByte(byte value) => _length++;
}
