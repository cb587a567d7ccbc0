namespace Actors.Cmd;

internal static class Program
{
    private static int Main() => 0;
}
