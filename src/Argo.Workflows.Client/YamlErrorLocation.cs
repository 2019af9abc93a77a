using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace Argo.Workflows.Client;

/// <summary>
/// Where the author of a broken YAML text must look. YamlDotNet 18 reports a <c>[</c> or <c>{</c>
/// that is never closed at the end of the stream (line N+1, column 1), and for one that spans lines
/// it throws <see cref="InvalidOperationException"/> without any position; both are located here at
/// the unclosed bracket. Any other error keeps YamlDotNet's own position.
/// </summary>
public static class YamlErrorLocation
{
    /// <summary>YamlDotNet's message for its InvalidOperationException when the bracket is closed later (go-yaml accepts such text).</summary>
    public const string IndentedLessThanKey = "a multi-line plain scalar inside [...] or {...} is indented less than its key; indent it or quote it";

    /// <summary>
    /// The error as a <see cref="YamlException"/> whose <c>Start</c> is the 1-based line and column
    /// to look at (0 when unknown): the innermost unclosed bracket for an error at the end of the
    /// text or a position-less <see cref="InvalidOperationException"/>, else <paramref name="error"/>'s own.
    /// </summary>
    public static YamlException Locate(string yaml, Exception error)
    {
        var atEnd = error is YamlException { Start.Index: var index } && yaml.AsSpan((int)Math.Min(index, yaml.Length)).Trim().IsEmpty;
        if (error is not InvalidOperationException && !atEnd)
            return error as YamlException ?? new YamlException(error.Message, error);
        if (InnermostUnclosed(yaml) is not { } opener)
            return error as YamlException ?? new YamlException(IndentedLessThanKey, error);
        var (open, close) = opener is FlowSequenceStart ? ('[', ']') : ('{', '}');
        var message = error is InvalidOperationException && ClosedLater(yaml, (int)opener.Start.Index)
            ? IndentedLessThanKey
            : $"'{open}' is not closed: no matching '{close}' follows";
        return new YamlException(opener.Start, opener.End, message, error);
    }

    /// <summary>"line 4, column 10: what is wrong" (without the position when it is unknown), for a one-line error naming a file.</summary>
    public static string Describe(YamlException error) =>
        (error.Start.Line > 0 ? $"line {error.Start.Line}, column {error.Start.Column}: " : "") + error.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');

    /// <summary>The flow collection still open where YamlDotNet's scanner stops (the end of the text or its error).</summary>
    private static Token? InnermostUnclosed(string yaml)
    {
        var open = new Stack<Token>();
        var scanner = new Scanner(new StringReader(yaml), skipComments: true);
        try
        {
            while (scanner.MoveNext())
            {
                switch (scanner.Current)
                {
                    case FlowSequenceStart or FlowMappingStart:
                        open.Push(scanner.Current);
                        break;
                    case FlowSequenceEnd or FlowMappingEnd when open.Count > 0:
                        open.Pop();
                        break;
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // The brackets open at the point of failure are what is wanted.
        }
        return open.Count > 0 ? open.Peek() : null;
    }

    /// <summary>Whether the bracket at <paramref name="start"/> has its match later in the text (quoted text and comments skipped).</summary>
    private static bool ClosedLater(string yaml, int start)
    {
        var depth = 0;
        for (var i = start; i < yaml.Length; i++)
        {
            var c = yaml[i];
            var afterSpace = i == 0 || yaml[i - 1] is ' ' or '\t' or '\n' or '\r' or '[' or '{' or ',' or ':';
            if (c is '\'' or '"' && afterSpace)
            {
                i = yaml.IndexOf(c, i + 1);
                if (i < 0)
                    return false;
            }
            else if (c == '#' && afterSpace)
            {
                i = yaml.IndexOf('\n', i);
                if (i < 0)
                    return false;
            }
            else if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}' && --depth == 0)
            {
                return true;
            }
        }
        return false;
    }
}
