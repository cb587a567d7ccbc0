using System.Text.RegularExpressions;

namespace Actors.Runtime.Cmd;

/// <summary>Validates palette and command names: lower-case words joined by <c>-</c>.</summary>
internal static partial class CommandNames
{
    public static void Validate(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Pattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"{what} name '{name}' must be lower-case letters and digits, words joined by '-'", nameof(name));
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
