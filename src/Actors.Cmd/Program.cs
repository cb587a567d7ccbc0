namespace Actors.Cmd;

internal static class Program
{
    private static Task<int> Main(string[] args) =>
        new CommandLineApp(Console.In, Console.Out, Console.Error, Environment.GetEnvironmentVariable, showPrompt: !Console.IsInputRedirected)
            .RunAsync(args);
}
