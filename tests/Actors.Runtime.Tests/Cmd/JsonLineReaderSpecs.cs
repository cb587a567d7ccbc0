using System.Text;
using Actors.Contracts.Cmd;
using Xunit;

namespace Actors.Runtime.Tests.Cmd;

public sealed class JsonLineReaderSpecs
{
    [Fact]
    public async Task Lines_are_split_at_newlines_and_lose_a_trailing_carriage_return()
    {
        var reader = Reader("one\r\ntwo\n\nthree", maxLineBytes: 100);

        Assert.Equal(["one", "two", "", "three"], await ReadAllAsync(reader));
    }

    [Fact]
    public async Task Lines_survive_arriving_one_byte_at_a_time()
    {
        var text = string.Join("\n", Enumerable.Range(0, 50).Select(i => new string((char)('a' + i % 26), i))) + "\n";
        var reader = new JsonLineReader(new TrickleStream(Encoding.UTF8.GetBytes(text)), maxLineBytes: 64);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => new string((char)('a' + i % 26), i)), await ReadAllAsync(reader));
    }

    [Fact]
    public async Task A_line_of_exactly_the_limit_is_accepted_with_or_without_carriage_return()
    {
        var line = new string('x', 10);
        var reader = Reader($"{line}\r\n{line}\n{line}", maxLineBytes: 10);

        Assert.Equal([line, line, line], await ReadAllAsync(reader));
    }

    [Theory]
    [InlineData("xxxxxxxxxxx\n")]
    [InlineData("xxxxxxxxxxx")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("ok\nxxxxxxxxxxx\r\n")]
    public async Task A_line_over_the_limit_is_a_protocol_error(string text)
    {
        var reader = Reader(text, maxLineBytes: 10);

        var error = await Assert.ThrowsAsync<CommandProtocolException>(async () => await ReadAllAsync(reader));

        Assert.Equal("line longer than 10 bytes", error.Message);
    }

    [Fact]
    public async Task Invalid_utf8_is_a_protocol_error()
    {
        var reader = new JsonLineReader(new MemoryStream([0x61, 0xC3, 0x28, 0x0A]), maxLineBytes: 10);

        var error = await Assert.ThrowsAsync<CommandProtocolException>(async () => await reader.ReadLineAsync());

        Assert.Equal("line is not valid UTF-8", error.Message);
    }

    [Fact]
    public async Task A_reader_refuses_to_continue_after_a_protocol_error()
    {
        var reader = new JsonLineReader(new MemoryStream([0xFF, 0x0A, 0x61, 0x0A]), maxLineBytes: 10);
        await Assert.ThrowsAsync<CommandProtocolException>(async () => await reader.ReadLineAsync());

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.ReadLineAsync());
    }

    [Fact]
    public async Task Multibyte_characters_count_in_bytes()
    {
        var reader = Reader("ééééé\néééééé\n", maxLineBytes: 10);

        Assert.Equal("ééééé", await reader.ReadLineAsync());
        await Assert.ThrowsAsync<CommandProtocolException>(async () => await reader.ReadLineAsync());
    }

    private static JsonLineReader Reader(string text, int maxLineBytes) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), maxLineBytes);

    private static async Task<List<string>> ReadAllAsync(JsonLineReader reader)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Returns at most one byte per read, as a slow network might.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
