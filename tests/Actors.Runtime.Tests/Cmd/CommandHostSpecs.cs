using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Runtime.Tests.Cmd;

public sealed class CommandHostSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Known_command_returns_its_output_with_exit_code_zero()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.SendAsync("echo", "say", "hello", "world");

        Assert.Equal(new CommandResponse(0, "hello world", ""), response);
    }

    [Fact]
    public async Task Json_flag_reaches_the_handler()
    {
        await using var host = await TestHost.StartAsync();
        await using var client = await host.ConnectAsync();

        var response = await client.SendAsync(new CommandRequest("echo", "say", ["a", "b c"], true, null), TestHost.GuardToken());

        Assert.Equal(0, response.ExitCode);
        Assert.Equal(["a", "b c"], JsonSerializer.Deserialize<string[]>(response.Stdout)!);
    }

    [Fact]
    public async Task Negative_answer_exits_with_one_and_keeps_its_output()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.SendAsync("echo", "lookup", "k");

        Assert.Equal(new CommandResponse(1, "no k", ""), response);
    }

    [Fact]
    public async Task Unknown_palette_is_an_error_that_points_to_help()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.SendAsync("nope", "show");

        Assert.Equal(new CommandResponse(2, "", "error: unknown palette 'nope'; try 'help'"), response);
    }

    [Fact]
    public async Task Unknown_command_is_an_error_that_names_the_palette()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.SendAsync("echo", "shout", "x");

        Assert.Equal(new CommandResponse(2, "", "error: unknown command 'shout' in palette 'echo'; try 'help echo'"), response);
    }

    [Fact]
    public async Task Palette_without_a_command_is_an_error()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.SendAsync("echo", "");

        Assert.Equal(new CommandResponse(2, "", "error: palette 'echo' needs a command; try 'help echo'"), response);
    }

    [Theory]
    [InlineData("say")]
    [InlineData("fail", "extra")]
    [InlineData("lookup")]
    [InlineData("lookup", "a", "b")]
    public async Task Wrong_argument_count_is_an_error_that_shows_the_usage(string command, params string[] args)
    {
        await using var host = await TestHost.StartAsync();
        var usage = command switch
        {
            "say" => "echo say WORDS...",
            "fail" => "echo fail",
            _ => "echo lookup KEY",
        };

        var response = await host.SendAsync("echo", command, args);

        Assert.Equal(2, response.ExitCode);
        Assert.Equal($"error: wrong number of arguments for 'echo {command}'; usage: {usage}", response.Stderr);
    }

    [Fact]
    public async Task Throwing_handler_answers_exit_two_with_its_message_and_the_host_keeps_serving()
    {
        await using var host = await TestHost.StartAsync();
        await using var client = await host.ConnectAsync();

        var failed = await client.SendAsync(new CommandRequest("echo", "fail", [], false, null), TestHost.GuardToken());
        var sameConnection = await client.SendAsync(new CommandRequest("echo", "say", ["still"], false, null), TestHost.GuardToken());
        var newConnection = await host.SendAsync("echo", "say", "again");

        Assert.Equal(new CommandResponse(2, "", "error: echo failed on purpose"), failed);
        Assert.Equal("still", sameConnection.Stdout);
        Assert.Equal("again", newConnection.Stdout);
    }

    [Fact]
    public async Task One_connection_answers_many_requests_in_order()
    {
        await using var host = await TestHost.StartAsync();
        await using var client = await host.ConnectAsync();

        var answers = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add((await client.SendAsync(new CommandRequest("echo", "say", [$"n{i}"], false, null), TestHost.GuardToken())).Stdout);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"n{i}"), answers);
    }

    [Fact]
    public async Task Requests_written_back_to_back_are_answered_in_order()
    {
        await using var host = await TestHost.StartAsync();
        var bytes = CommandProtocol.ToLine(new CommandRequest("echo", "say", ["one"], false, null))
            .Concat(CommandProtocol.ToLine(new CommandRequest("nope", "x", [], false, null)))
            .Concat(CommandProtocol.ToLine(new CommandRequest("echo", "say", ["three"], false, null)))
            .ToArray();

        var lines = await host.SendRawAsync(bytes);

        Assert.Equal(["one", "", "three"], lines.Select(l => CommandProtocol.ParseResponse(l).Stdout));
    }

    [Fact]
    public async Task Help_lists_every_palette_with_its_commands()
    {
        var registry = new CommandRegistry().Register(new EchoPalette()).Register(new OtherPalette());

        var response = await registry.ExecuteAsync(new CommandRequest("help", "", [], false, null));

        Assert.Equal(0, response.ExitCode);
        Assert.Contains("echo: Echoes words back.", response.Stdout);
        Assert.Contains("echo say WORDS...", response.Stdout);
        Assert.Contains("other: Another palette.", response.Stdout);
        Assert.Contains("other ping", response.Stdout);
        Assert.True(response.Stdout.IndexOf("echo:", StringComparison.Ordinal) < response.Stdout.IndexOf("other:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_over_a_connection_lists_the_registered_palettes()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.SendAsync("help", "");

        Assert.Equal(0, response.ExitCode);
        Assert.StartsWith("help [PALETTE]", response.Stdout);
        Assert.Contains("\necho: Echoes words back.\n", response.Stdout);
    }

    [Fact]
    public async Task Help_for_one_palette_lists_only_that_palette()
    {
        var registry = new CommandRegistry().Register(new EchoPalette()).Register(new OtherPalette());

        var response = await registry.ExecuteAsync(new CommandRequest("help", "other", [], false, null));
        var fromPalette = await registry.ExecuteAsync(new CommandRequest("other", "help", [], false, null));

        Assert.Equal(0, response.ExitCode);
        Assert.StartsWith("other: Another palette.\n", response.Stdout);
        Assert.DoesNotContain("echo", response.Stdout);
        Assert.Equal(response, fromPalette);
    }

    [Fact]
    public async Task Help_for_an_unknown_palette_is_an_error()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.SendAsync("help", "nope");

        Assert.Equal(new CommandResponse(2, "", "error: unknown palette 'nope'; try 'help'"), response);
    }

    [Fact]
    public async Task Help_as_json_lists_palettes_and_commands()
    {
        var registry = new CommandRegistry().Register(new EchoPalette()).Register(new OtherPalette());

        var response = await registry.ExecuteAsync(new CommandRequest("help", "", [], true, null));

        using var json = JsonDocument.Parse(response.Stdout);
        var palettes = json.RootElement.GetProperty("palettes").EnumerateArray().ToArray();
        Assert.Equal(["echo", "other"], palettes.Select(p => p.GetProperty("name").GetString()));
        var say = palettes[0].GetProperty("commands").EnumerateArray().First();
        Assert.Equal("say", say.GetProperty("name").GetString());
        Assert.Equal("WORDS...", say.GetProperty("usage").GetString());
    }

    [Fact]
    public async Task A_line_that_is_not_json_is_answered_with_a_malformed_request_error_and_the_connection_closes()
    {
        await using var host = await TestHost.StartAsync();

        byte[] bytes = [.. "hello there\n"u8, .. CommandProtocol.ToLine(new CommandRequest("echo", "say", ["ignored"], false, null))];

        var lines = await host.SendRawAsync(bytes);

        var response = CommandProtocol.ParseResponse(Assert.Single(lines));
        Assert.Equal(2, response.ExitCode);
        Assert.StartsWith("error: malformed request: ", response.Stderr);
        Assert.Equal("fine", (await host.SendAsync("echo", "say", "fine")).Stdout);
    }

    [Theory]
    [InlineData("{\"palette\":null,\"command\":\"say\",\"args\":[]}")]
    [InlineData("{\"command\":\"say\",\"args\":[]}")]
    [InlineData("{\"palette\":\"echo\",\"command\":\"say\"}")]
    [InlineData("{\"palette\":\"echo\",\"command\":\"say\",\"args\":[\"a\",null]}")]
    [InlineData("{\"palette\":\"echo\",\"command\":\"say\",\"args\":\"a\"}")]
    [InlineData("[\"echo\",\"say\"]")]
    [InlineData("null")]
    public async Task Json_that_is_not_a_request_is_malformed(string line)
    {
        await using var host = await TestHost.StartAsync();

        var lines = await host.SendRawAsync(Encoding.UTF8.GetBytes(line + "\n"));

        Assert.StartsWith("error: malformed request: ", CommandProtocol.ParseResponse(Assert.Single(lines)).Stderr);
    }

    [Fact]
    public async Task Invalid_utf8_is_answered_with_a_malformed_request_error_and_the_host_keeps_serving()
    {
        await using var host = await TestHost.StartAsync();
        byte[] bytes = [.. "{\"palette\":\"echo\",\"command\":\"say\",\"args\":[\""u8, 0xC3, 0x28, 0xFF, .. "\"]}\n"u8];

        var lines = await host.SendRawAsync(bytes);

        Assert.Equal("error: malformed request: line is not valid UTF-8", CommandProtocol.ParseResponse(Assert.Single(lines)).Stderr);
        Assert.Equal("fine", (await host.SendAsync("echo", "say", "fine")).Stdout);
    }

    [Fact]
    public async Task An_over_long_line_is_refused_and_the_host_keeps_serving()
    {
        await using var host = await TestHost.StartAsync();
        var bytes = Enumerable.Repeat((byte)'x', CommandProtocol.MaxRequestLineBytes + 3).ToArray();

        var lines = await host.SendRawAsync(bytes);

        Assert.True(lines.Count <= 1);
        if (lines.Count == 1)
        {
            Assert.Equal(
                $"error: malformed request: line longer than {CommandProtocol.MaxRequestLineBytes} bytes",
                CommandProtocol.ParseResponse(lines[0]).Stderr);
        }

        Assert.Equal("fine", (await host.SendAsync("echo", "say", "fine")).Stdout);
    }

    [Fact]
    public async Task A_request_of_exactly_the_maximum_line_length_is_served()
    {
        await using var host = await TestHost.StartAsync();
        var empty = CommandProtocol.ToLine(new CommandRequest("echo", "say", [""], false, null)).Length - 1;
        var word = new string('w', CommandProtocol.MaxRequestLineBytes - empty);
        await using var client = await host.ConnectAsync();

        var response = await client.SendAsync(new CommandRequest("echo", "say", [word], false, null), TestHost.GuardToken());

        Assert.Equal(word, response.Stdout);
    }

    [Fact]
    public async Task Random_binary_garbage_never_stops_the_host()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var host = await TestHost.StartAsync();

        for (var round = 0; round < 20; round++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            bytes[^1] = (byte)'\n';

            var lines = await host.SendRawAsync(bytes);

            foreach (var line in lines)
            {
                var response = CommandProtocol.ParseResponse(line);
                Assert.Equal(2, response.ExitCode);
                Assert.StartsWith("error: ", response.Stderr);
            }

            Assert.Equal("fine", (await host.SendAsync("echo", "say", "fine")).Stdout);
        }
    }

    [Fact]
    public async Task Token_protected_host_refuses_a_missing_token()
    {
        await using var host = await TestHost.StartAsync(token: "s3cret");

        var response = await host.SendAsync("echo", "say", "hi");

        Assert.Equal(new CommandResponse(2, "", "error: invalid or missing token"), response);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("s3cre")]
    [InlineData("s3cret ")]
    [InlineData("")]
    public async Task Token_protected_host_refuses_a_wrong_token(string token)
    {
        await using var host = await TestHost.StartAsync(token: "s3cret");
        await using var client = await host.ConnectAsync();

        var response = await client.SendAsync(new CommandRequest("echo", "say", ["hi"], false, token), TestHost.GuardToken());

        Assert.Equal(new CommandResponse(2, "", "error: invalid or missing token"), response);
    }

    [Fact]
    public async Task Token_protected_host_accepts_the_right_token()
    {
        await using var host = await TestHost.StartAsync(token: "s3cret");
        await using var client = await host.ConnectAsync();

        var response = await client.SendAsync(new CommandRequest("echo", "say", ["hi"], false, "s3cret"), TestHost.GuardToken());

        Assert.Equal(new CommandResponse(0, "hi", ""), response);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("10.1.2.3")]
    public void Binding_to_a_non_loopback_address_without_a_token_throws(string address)
    {
        var settings = new CommandHostSettings(IPAddress.Parse(address), 0, "");

        var error = Assert.Throws<InvalidOperationException>(() => new CommandHost(settings, new CommandRegistry()));

        Assert.Equal(
            $"command host: binding to {IPAddress.Parse(address)} requires a token (actors.cmd.token or ACTORS_CMD_TOKEN)",
            error.Message);
    }

    [Fact]
    public void Binding_to_any_address_with_a_token_is_allowed()
    {
        var host = new CommandHost(new CommandHostSettings(IPAddress.Any, 0, "t"), new CommandRegistry());

        Assert.True(host.Settings.RequiresToken);
    }

    [Fact]
    public async Task Port_zero_binds_a_free_port_and_reports_it()
    {
        await using var host = await TestHost.StartAsync();

        Assert.NotEqual(0, host.Port);
        Assert.Equal(IPAddress.Loopback, host.Host.EndPoint.Address);
    }

    [Fact]
    public async Task Starting_on_a_port_in_use_fails_with_a_clear_message()
    {
        await using var first = await TestHost.StartAsync();
        await using var second = new CommandHost(new CommandHostSettings(IPAddress.Loopback, first.Port, ""), new CommandRegistry());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync());

        Assert.StartsWith($"command host: cannot listen on 127.0.0.1:{first.Port} (", error.Message);
    }

    [Fact]
    public async Task Stopping_the_host_cancels_running_commands_and_closes_connections()
    {
        var host = await TestHost.StartAsync();
        var client = await host.ConnectAsync();
        var pending = client.SendAsync(new CommandRequest("echo", "block", [], false, null), TestHost.GuardToken());
        await host.Echo.Blocked.Task.WaitAsync(TestHost.Guard);

        await host.Host.StopAsync().WaitAsync(TestHost.Guard);

        await host.Echo.Cancelled.Task.WaitAsync(TestHost.Guard);
        await Assert.ThrowsAnyAsync<IOException>(() => pending);
        await Assert.ThrowsAnyAsync<SocketException>(() => CommandClient.ConnectAsync("127.0.0.1", host.Port, TestHost.GuardToken()));
        await client.DisposeAsync();
        await host.DisposeAsync();
    }

    private sealed class OtherPalette : CommandPalette
    {
        public OtherPalette() : base("other", "Another palette.")
        {
            Register(new CommandSpec("ping", "", "Answers pong."), ctx => ctx.Ok("pong"));
        }
    }
}
