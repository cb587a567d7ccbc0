using Actors.Cmd;
using Xunit;

namespace Actors.Runtime.Tests.Cmd;

public sealed class CommandLineParserSpecs
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Host_port_palette_command_and_args_make_a_one_shot_request()
    {
        var options = Parse("127.0.0.1:9110", "kv", "put", "k", "--not-an-option");

        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(9110, options.Port);
        Assert.Equal("kv", options.Palette);
        Assert.Equal("put", options.Command);
        Assert.Equal(["k", "--not-an-option"], options.Args);
        Assert.False(options.Json);
        Assert.Null(options.Token);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.False(options.Interactive);
    }

    [Fact]
    public void Host_port_alone_starts_an_interactive_session()
    {
        var options = Parse("node1:9111");

        Assert.True(options.Interactive);
        Assert.Equal("node1:9111", options.Target);
    }

    [Fact]
    public void A_palette_without_a_command_is_sent_with_an_empty_command()
    {
        var options = Parse("localhost:9110", "help");

        Assert.Equal("help", options.Palette);
        Assert.Equal("", options.Command);
        Assert.Empty(options.Args);
    }

    [Fact]
    public void Options_before_the_target_are_read()
    {
        var options = Parse("--json", "--token", "t1", "--timeout", "2.5", "h:1", "cluster", "show");

        Assert.True(options.Json);
        Assert.Equal("t1", options.Token);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Timeout);
    }

    [Fact]
    public void Options_accept_the_equals_form()
    {
        var options = Parse("--token=a=b", "--timeout=7", "h:1");

        Assert.Equal("a=b", options.Token);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Timeout);
    }

    [Fact]
    public void Token_comes_from_the_environment_unless_given()
    {
        Func<string, string?> environment = name => name == "ACTORS_CMD_TOKEN" ? "env" : null;

        Assert.Equal("env", CommandLineParser.Parse(["h:1"], environment).Options!.Token);
        Assert.Equal("flag", CommandLineParser.Parse(["--token", "flag", "h:1"], environment).Options!.Token);
        Assert.Null(CommandLineParser.Parse(["h:1"], _ => "").Options!.Token);
    }

    [Theory]
    [InlineData("[::1]:9110", "::1", 9110)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("10.0.0.1:65535", "10.0.0.1", 65535)]
    public void Target_is_split_at_the_last_colon(string target, string host, int port)
    {
        var options = Parse(target);

        Assert.Equal((host, port), (options.Host, options.Port));
    }

    [Fact]
    public void Ipv6_target_is_shown_bracketed()
    {
        Assert.Equal("[::1]:9110", Parse("[::1]:9110").Target);
    }

    [Theory]
    [InlineData("help-me")]
    [InlineData("host")]
    [InlineData("host:")]
    [InlineData(":9110")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData("host:12ab")]
    [InlineData("::1:9110")]
    [InlineData("[::1:9110")]
    [InlineData("[]:9110")]
    public void A_bad_target_is_a_usage_error(string target)
    {
        var parse = CommandLineParser.Parse([target], NoEnvironment);

        Assert.Null(parse.Options);
        Assert.Equal($"expected HOST:PORT with a port in 1..65535, got '{target}'", parse.Error);
    }

    [Theory]
    [InlineData(new string[0], "missing HOST:PORT")]
    [InlineData(new[] { "--json" }, "missing HOST:PORT")]
    [InlineData(new[] { "--verbose", "h:1" }, "unknown option '--verbose'")]
    [InlineData(new[] { "--json=yes", "h:1" }, "unknown option '--json=yes'")]
    [InlineData(new[] { "--token" }, "--token needs a value")]
    [InlineData(new[] { "--timeout" }, "--timeout needs a value")]
    [InlineData(new[] { "--timeout", "0", "h:1" }, "--timeout must be a positive number of seconds, got '0'")]
    [InlineData(new[] { "--timeout", "-3", "h:1" }, "--timeout must be a positive number of seconds, got '-3'")]
    [InlineData(new[] { "--timeout", "soon", "h:1" }, "--timeout must be a positive number of seconds, got 'soon'")]
    public void Bad_usage_is_reported(string[] argv, string error)
    {
        var parse = CommandLineParser.Parse(argv, NoEnvironment);

        Assert.Null(parse.Options);
        Assert.False(parse.HelpRequested);
        Assert.Equal(error, parse.Error);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Help_flag_asks_for_the_usage(string flag)
    {
        Assert.True(CommandLineParser.Parse([flag, "h:1"], NoEnvironment).HelpRequested);
    }

    private static CommandLineOptions Parse(params string[] argv)
    {
        var parse = CommandLineParser.Parse(argv, NoEnvironment);
        Assert.Null(parse.Error);
        return parse.Options!;
    }
}
