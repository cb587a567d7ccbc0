using Actors.Contracts.Cmd;
using Xunit;

namespace Actors.Runtime.Tests.Cmd;

public sealed class CommandProtocolSpecs
{
    [Fact]
    public void Request_is_one_camel_case_json_line()
    {
        var line = CommandProtocol.ToLine(new CommandRequest("kv", "put", ["k", "line\nbreak"], true, "t"));

        Assert.Equal(
            "{\"palette\":\"kv\",\"command\":\"put\",\"args\":[\"k\",\"line\\nbreak\"],\"json\":true,\"token\":\"t\"}\n",
            CommandProtocol.StrictUtf8.GetString(line));
    }

    [Fact]
    public void Request_round_trips()
    {
        var request = new CommandRequest("kv", "put", ["k", "välue ✓"], false, null);

        var parsed = CommandProtocol.ParseRequest(CommandProtocol.Serialize(request));

        Assert.Equal((request.Palette, request.Command, request.Json, request.Token), (parsed.Palette, parsed.Command, parsed.Json, parsed.Token));
        Assert.Equal(request.Args, parsed.Args);
    }

    [Fact]
    public void Json_flag_and_token_may_be_omitted()
    {
        var parsed = CommandProtocol.ParseRequest("{\"palette\":\"help\",\"command\":\"\",\"args\":[]}");

        Assert.False(parsed.Json);
        Assert.Null(parsed.Token);
    }

    [Fact]
    public void Response_round_trips()
    {
        var response = new CommandResponse(1, "out\n", "err");

        Assert.Equal(response, CommandProtocol.ParseResponse(CommandProtocol.Serialize(response)));
    }

    [Theory]
    [InlineData("{\"exitCode\":0,\"stdout\":null,\"stderr\":\"\"}")]
    [InlineData("{\"exitCode\":0,\"stderr\":\"\"}")]
    [InlineData("{\"exitCode\":\"0\",\"stdout\":\"\",\"stderr\":\"\"}")]
    [InlineData("not json")]
    public void Malformed_response_is_a_protocol_error(string line)
    {
        Assert.Throws<CommandProtocolException>(() => CommandProtocol.ParseResponse(line));
    }

    [Fact]
    public void Output_with_a_lone_surrogate_is_sent_with_a_replacement_character()
    {
        var line = CommandProtocol.StrictUtf8.GetString(CommandProtocol.ToLine(new CommandResponse(0, "a\uD800b", "")));

        Assert.Equal("a\uFFFDb", CommandProtocol.ParseResponse(line).Stdout);
    }

    [Fact]
    public void Error_response_prefixes_the_message()
    {
        Assert.Equal(new CommandResponse(2, "", "error: boom"), CommandResponse.Error("boom"));
    }
}
