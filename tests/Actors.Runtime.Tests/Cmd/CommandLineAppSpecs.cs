using Actors.Cmd;
using Actors.Runtime.Tests.Support;
using Xunit;

namespace Actors.Runtime.Tests.Cmd;

public sealed class CommandLineAppSpecs
{
    [Fact]
    public async Task One_shot_prints_stdout_with_a_final_newline_and_exits_with_zero()
    {
        await using var host = await TestHost.StartAsync();

        var run = await RunAsync([$"127.0.0.1:{host.Port}", "echo", "say", "hello", "world"]);

        Assert.Equal((0, "hello world\n", ""), run);
    }

    [Fact]
    public async Task One_shot_passes_the_json_flag()
    {
        await using var host = await TestHost.StartAsync();

        var run = await RunAsync(["--json", $"127.0.0.1:{host.Port}", "echo", "say", "a"]);

        Assert.Equal((0, "[\"a\"]\n", ""), run);
    }

    [Fact]
    public async Task One_shot_returns_the_exit_code_of_a_negative_answer()
    {
        await using var host = await TestHost.StartAsync();

        var run = await RunAsync([$"127.0.0.1:{host.Port}", "echo", "lookup", "k"]);

        Assert.Equal((1, "no k\n", ""), run);
    }

    [Fact]
    public async Task One_shot_prints_errors_to_stderr_and_exits_with_two()
    {
        await using var host = await TestHost.StartAsync();

        var run = await RunAsync([$"127.0.0.1:{host.Port}", "nope", "x"]);

        Assert.Equal((2, "", "error: unknown palette 'nope'; try 'help'\n"), run);
    }

    [Fact]
    public async Task Help_works_with_a_palette_and_no_command()
    {
        await using var host = await TestHost.StartAsync();

        var run = await RunAsync([$"127.0.0.1:{host.Port}", "help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("echo say WORDS...", run.Stdout);
    }

    [Fact]
    public async Task Token_from_the_environment_is_sent()
    {
        await using var host = await TestHost.StartAsync(token: "s3cret");

        var accepted = await RunAsync([$"127.0.0.1:{host.Port}", "echo", "say", "in"], name => name == "ACTORS_CMD_TOKEN" ? "s3cret" : null);
        var refused = await RunAsync([$"127.0.0.1:{host.Port}", "echo", "say", "in"]);

        Assert.Equal((0, "in\n", ""), accepted);
        Assert.Equal((2, "", "error: invalid or missing token\n"), refused);
    }

    [Fact]
    public async Task An_unreachable_host_is_an_error_naming_the_target()
    {
        var port = FreePorts.Take(1)[0];

        var run = await RunAsync([$"127.0.0.1:{port}", "echo", "say", "x"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: cannot reach 127.0.0.1:{port} (", run.Stderr);
    }

    [Fact]
    public async Task Bad_usage_prints_the_usage_to_stderr_and_exits_with_two()
    {
        var run = await RunAsync(["no-port-here"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith("error: expected HOST:PORT", run.Stderr);
        Assert.Contains("usage: actors-cmd", run.Stderr);
    }

    [Fact]
    public async Task Interactive_session_sends_each_line_over_one_connection_until_exit()
    {
        await using var host = await TestHost.StartAsync();
        var input = "echo say \"hello world\"\n\n   \necho lookup k\nnope x\necho say \"open\nexit\necho say never\n";

        var run = await RunAsync([$"127.0.0.1:{host.Port}"], stdin: input);

        Assert.Equal((0, "hello world\nno k\n", "error: unknown palette 'nope'; try 'help'\nerror: unterminated quote\n"), run);
    }

    [Fact]
    public async Task Interactive_session_ends_at_end_of_input_and_shows_the_prompt()
    {
        await using var host = await TestHost.StartAsync();

        var run = await RunAsync([$"127.0.0.1:{host.Port}"], stdin: "echo say hi\n", showPrompt: true);

        var prompt = $"[127.0.0.1:{host.Port}] actors> ";
        Assert.Equal((0, $"{prompt}hi\n{prompt}\n", ""), run);
    }

    [Fact]
    public async Task Interactive_session_stops_with_exit_code_two_when_the_host_closes_the_connection()
    {
        await using var host = await TestHost.StartAsync(token: "s3cret");

        var run = await RunAsync([$"127.0.0.1:{host.Port}"], stdin: "echo say a\necho say b\n");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: invalid or missing token\nerror: connection to 127.0.0.1:{host.Port} lost (", run.Stderr);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string[] argv, Func<string, string?>? environment = null, string stdin = "", bool showPrompt = false)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var app = new CommandLineApp(new StringReader(stdin), stdout, stderr, environment ?? (_ => null), showPrompt);

        var exitCode = await app.RunAsync(argv, TestHost.GuardToken());

        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
