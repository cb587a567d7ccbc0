namespace Actors.Cmd;

/// <summary>The outcome of parsing the command line: options, a usage error, or a request for help.</summary>
internal sealed record CommandLineParse(CommandLineOptions? Options, string? Error, bool HelpRequested)
{
    public static CommandLineParse Help { get; } = new(null, null, true);

    public static CommandLineParse Parsed(CommandLineOptions options) => new(options, null, false);

    public static CommandLineParse Failed(string error) => new(null, error, false);
}
