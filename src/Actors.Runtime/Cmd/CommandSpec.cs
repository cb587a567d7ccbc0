namespace Actors.Runtime.Cmd;

/// <summary>
/// Describes one command of a palette for help output and argument-count checks.
/// </summary>
/// <param name="Name">Command name, lower-case words joined by <c>-</c> (e.g. <c>down-unreachable</c>).</param>
/// <param name="Usage">The arguments only, as shown after <c>palette command</c>: upper-case
/// placeholders are required (<c>KEY VALUE</c>), bracketed words optional (<c>[--all]</c>,
/// <c>[--limit N]</c>), and a trailing <c>...</c> makes the word repeatable (<c>WORDS...</c> is one or
/// more, <c>[WORDS...]</c> zero or more). Empty for a command without arguments.</param>
/// <param name="Description">One line shown by <c>help</c>.</param>
public sealed record CommandSpec(string Name, string Usage, string Description)
{
    /// <summary>Fewest arguments the usage allows.</summary>
    public int MinArgs => UsageArity.Parse(Usage).Min;

    /// <summary>Most arguments the usage allows, or null when a word is repeatable.</summary>
    public int? MaxArgs => UsageArity.Parse(Usage).Max;

    /// <summary>True when <paramref name="count"/> arguments fit the usage.</summary>
    public bool Accepts(int count)
    {
        var (min, max) = UsageArity.Parse(Usage);
        return count >= min && (max is not { } most || count <= most);
    }
}
