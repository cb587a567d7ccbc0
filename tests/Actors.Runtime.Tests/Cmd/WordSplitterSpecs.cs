using Actors.Cmd;
using Xunit;

namespace Actors.Runtime.Tests.Cmd;

public sealed class WordSplitterSpecs
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("   \t ", new string[0])]
    [InlineData("kv get k", new[] { "kv", "get", "k" })]
    [InlineData("  kv   get\tk  ", new[] { "kv", "get", "k" })]
    [InlineData("kv put k \"two words\"", new[] { "kv", "put", "k", "two words" })]
    [InlineData("kv put k \"\"", new[] { "kv", "put", "k", "" })]
    [InlineData("a\"b c\"d", new[] { "ab cd" })]
    [InlineData("\"say \\\"hi\\\"\"", new[] { "say \"hi\"" })]
    [InlineData("\"back\\\\slash\"", new[] { "back\\slash" })]
    [InlineData("\"keep \\n\"", new[] { "keep \\n" })]
    [InlineData("out\\side", new[] { "out\\side" })]
    public void Line_is_split_into_words_honoring_double_quotes(string line, string[] words)
    {
        Assert.Equal(words, WordSplitter.Split(line));
    }

    [Theory]
    [InlineData("kv put \"open")]
    [InlineData("\"\\\"")]
    public void An_unterminated_quote_is_refused(string line)
    {
        Assert.Throws<FormatException>(() => WordSplitter.Split(line));
    }
}
