using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace Argo.Workflows.Client;

/// <summary>
/// Where the author of a broken YAML text must look. YamlDotNet 18 reports a <c>[</c> or <c>{</c>
/// that is never closed at the end of the stream (line N+1, column 1), at the first later line it
/// cannot read inside the brackets (a <c>- item</c> line: "did not find expected node content"), or,
/// for one that spans lines, as an <see cref="InvalidOperationException"/> without any position;
/// all are located here at the unclosed bracket and said in words. Any other error, including one
/// inside brackets that are closed later, keeps YamlDotNet's own position and text.
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
        if (error is not (YamlException or InvalidOperationException))
            return new YamlException(error.Message, error);
        // Where the parser stopped: brackets opened after it are not the problem.
        var stop = error is YamlException { Start.Index: var index } ? (int)Math.Min(index, yaml.Length) : yaml.Length;
        var atEnd = error is InvalidOperationException || yaml.AsSpan(stop).Trim().IsEmpty;
        if (InnermostUnclosed(yaml, stop) is not { } opener)
            return error as YamlException ?? new YamlException(IndentedLessThanKey, error);
        var closedLater = ClosedLater(yaml, (int)opener.Start.Index);
        if (!atEnd && closedLater)
            return (YamlException)error;
        var (open, close) = opener is FlowSequenceStart ? ('[', ']') : ('{', '}');
        var message = error is InvalidOperationException && closedLater
            ? IndentedLessThanKey
            : $"'{open}' is not closed: no matching '{close}' follows";
        return new YamlException(opener.Start, opener.End, message, error);
    }

    /// <summary>"line 4, column 10: what is wrong" (without the position when it is unknown), for a one-line error naming a file.</summary>
    public static string Describe(YamlException error) =>
        (error.Start.Line > 0 ? $"line {error.Start.Line}, column {error.Start.Column}: " : "") + Words(error);

    /// <summary>What is wrong, on one line, without the parser's final '.' (for a reader that prints the position its own way).</summary>
    public static string Words(YamlException error) => error.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');

    /// <summary>The flow collection still open at index <paramref name="stop"/>, or where YamlDotNet's scanner stops before it (its error).</summary>
    private static Token? InnermostUnclosed(string yaml, int stop)
    {
        var open = new Stack<Token>();
        var scanner = new Scanner(new StringReader(yaml), skipComments: true);
        try
        {
            while (scanner.MoveNext() && scanner.Current!.Start.Index < stop)
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
