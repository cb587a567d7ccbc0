using System.Net;
using Actors.Runtime.Cmd;
using Akka.Configuration;
using Xunit;

namespace Actors.Runtime.Tests.Cmd;

public sealed class CommandHostSettingsSpecs
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Missing_keys_mean_loopback_on_port_9110_without_a_token()
    {
        var settings = CommandHostSettings.Create(Config.Empty, NoEnvironment);

        Assert.Equal(IPAddress.Loopback, settings.Address);
        Assert.Equal(9110, settings.Port);
        Assert.Equal("", settings.Token);
        Assert.False(settings.RequiresToken);
    }

    [Fact]
    public void Host_port_and_token_are_read_from_actors_cmd()
    {
        var config = ConfigurationFactory.ParseString("actors.cmd { host = \"0.0.0.0\", port = 9111, token = abc }");

        var settings = CommandHostSettings.Create(config, NoEnvironment);

        Assert.Equal(IPAddress.Any, settings.Address);
        Assert.Equal(9111, settings.Port);
        Assert.Equal("abc", settings.Token);
        Assert.True(settings.RequiresToken);
    }

    [Theory]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("\"::1\"", "::1")]
    [InlineData("\"[::1]\"", "::1")]
    [InlineData("10.0.0.7", "10.0.0.7")]
    public void Host_accepts_addresses_and_localhost(string value, string expected)
    {
        var config = ConfigurationFactory.ParseString($"actors.cmd.host = {value}");

        Assert.Equal(IPAddress.Parse(expected), CommandHostSettings.Create(config, NoEnvironment).Address);
    }

    [Fact]
    public void Token_falls_back_to_the_environment_variable()
    {
        var settings = CommandHostSettings.Create(Config.Empty, name => name == "ACTORS_CMD_TOKEN" ? "from-env" : null);

        Assert.Equal("from-env", settings.Token);
    }

    [Fact]
    public void Configured_token_wins_over_the_environment_variable()
    {
        var config = ConfigurationFactory.ParseString("actors.cmd.token = from-config");

        Assert.Equal("from-config", CommandHostSettings.Create(config, _ => "from-env").Token);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("65535", 65535)]
    public void Port_accepts_the_whole_range(string value, int expected)
    {
        var config = ConfigurationFactory.ParseString($"actors.cmd.port = {value}");

        Assert.Equal(expected, CommandHostSettings.Create(config, NoEnvironment).Port);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    [InlineData("abc")]
    [InlineData("\"\"")]
    [InlineData("9110.5")]
    public void Port_outside_the_range_fails_fast_naming_the_key(string value)
    {
        var config = ConfigurationFactory.ParseString($"actors.cmd.port = {value}");

        var error = Assert.Throws<ConfigurationException>(() => CommandHostSettings.Create(config, NoEnvironment));

        Assert.StartsWith("actors.cmd.port must be an integer in 0..65535, got '", error.Message);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("\"10\"")]
    [InlineData("\"300.1.1.1\"")]
    [InlineData("\"\"")]
    public void Unparsable_host_fails_fast_naming_the_key(string value)
    {
        var config = ConfigurationFactory.ParseString($"actors.cmd.host = {value}");

        var error = Assert.Throws<ConfigurationException>(() => CommandHostSettings.Create(config, NoEnvironment));

        Assert.StartsWith("actors.cmd.host must be an IP address or 'localhost', got '", error.Message);
    }
}
