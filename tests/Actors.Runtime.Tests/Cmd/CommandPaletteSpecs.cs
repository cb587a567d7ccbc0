using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;
using Xunit;

namespace Actors.Runtime.Tests.Cmd;

public sealed class CommandPaletteSpecs
{
    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("KEY", 1, 1)]
    [InlineData("KEY VALUE", 2, 2)]
    [InlineData("KEY [VALUE]", 1, 2)]
    [InlineData("[--all]", 0, 1)]
    [InlineData("[--limit N]", 0, 2)]
    [InlineData("WORDS...", 1, null)]
    [InlineData("[WORDS...]", 0, null)]
    [InlineData("KEY [VALUE]...", 1, null)]
    [InlineData("[KEY [VALUE]]", 0, 2)]
    public void Usage_determines_the_argument_counts(string usage, int min, int? max)
    {
        var spec = new CommandSpec("c", usage, "d");

        Assert.Equal(min, spec.MinArgs);
        Assert.Equal(max, spec.MaxArgs);
    }

    [Theory]
    [InlineData("[KEY")]
    [InlineData("KEY]")]
    public void Palette_refuses_a_usage_with_unbalanced_brackets(string usage)
    {
        Assert.Throws<ArgumentException>(() => new ConfigurablePalette("p", new CommandSpec("c", usage, "d")));
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("two words")]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData("trail-")]
    public void Palette_refuses_a_command_name_that_is_not_lower_case_words(string name)
    {
        Assert.Throws<ArgumentException>(() => new ConfigurablePalette("p", new CommandSpec(name, "", "d")));
    }

    [Fact]
    public void Palette_refuses_a_command_registered_twice()
    {
        Assert.Throws<ArgumentException>(() =>
            new ConfigurablePalette("p", new CommandSpec("c", "", "d"), new CommandSpec("c", "KEY", "d")));
    }

    [Fact]
    public void Palette_lists_commands_in_registration_order()
    {
        var palette = new ConfigurablePalette("p", new CommandSpec("zeta", "", "z"), new CommandSpec("alpha", "", "a"));

        Assert.Equal(["zeta", "alpha", "incomplete"], palette.Commands.Select(c => c.Name));
    }

    [Fact]
    public void Registry_refuses_a_second_palette_with_the_same_name()
    {
        var registry = new CommandRegistry().Register(new ConfigurablePalette("p"));

        Assert.Throws<ArgumentException>(() => registry.Register(new ConfigurablePalette("p")));
    }

    [Fact]
    public void Registry_reserves_the_name_help()
    {
        Assert.Throws<ArgumentException>(() => new CommandRegistry().Register(new ConfigurablePalette("help")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Registry_turns_a_missing_or_incomplete_response_into_an_error(bool incomplete)
    {
        var registry = new CommandRegistry().Register(new ConfigurablePalette("p", new CommandSpec("c", "", "d")));
        var command = incomplete ? "incomplete" : "c";

        var response = await registry.ExecuteAsync(new CommandRequest("p", command, [], false, null));

        Assert.Equal(2, response.ExitCode);
        Assert.Equal($"error: command 'p {command}' returned no response", response.Stderr);
    }

    [Fact]
    public void Context_renders_json_in_camel_case_when_asked_and_text_otherwise()
    {
        var value = new { NodeCount = 3 };

        var json = new CommandContext("p", "c", [], json: true).Ok(value, v => $"{v.NodeCount} nodes");
        var text = new CommandContext("p", "c", [], json: false).Ok(value, v => $"{v.NodeCount} nodes");

        Assert.Equal("{\"nodeCount\":3}", json.Stdout);
        Assert.Equal("3 nodes", text.Stdout);
    }

    /// <summary>
    /// A palette whose given commands answer null, plus <c>incomplete</c> answering a response without
    /// stdout, to exercise registration and dispatch rules.
    /// </summary>
    private sealed class ConfigurablePalette : CommandPalette
    {
        public ConfigurablePalette(string name, params CommandSpec[] specs) : base(name, "configurable")
        {
            foreach (var spec in specs)
            {
                Register(spec, _ => null!);
            }

            Register(new CommandSpec("incomplete", "", "d"), _ => new CommandResponse(0, null!, ""));
        }
    }
}
