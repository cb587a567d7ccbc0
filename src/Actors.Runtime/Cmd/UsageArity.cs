namespace Actors.Runtime.Cmd;

/// <summary>Counts the arguments a <see cref="CommandSpec.Usage"/> string allows.</summary>
internal static class UsageArity
{
    /// <summary>
    /// Words outside brackets are required, words inside optional; a word ending in <c>...</c> (or
    /// followed by <c>...</c> after its closing bracket) is repeatable, which removes the upper bound.
    /// </summary>
    /// <exception cref="ArgumentException">Brackets do not balance.</exception>
    public static (int Min, int? Max) Parse(string usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var min = 0;
        var max = 0;
        var unbounded = false;
        var depth = 0;
        foreach (var raw in usage.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = raw;
            var optional = depth > 0;
            while (word.StartsWith('['))
            {
                depth++;
                optional = true;
                word = word[1..];
            }

            var closes = 0;
            while (true)
            {
                if (word.EndsWith("...", StringComparison.Ordinal))
                {
                    unbounded = true;
                    word = word[..^3];
                }
                else if (word.EndsWith(']'))
                {
                    closes++;
                    word = word[..^1];
                }
                else
                {
                    break;
                }
            }

            if (word.Length > 0)
            {
                max++;
                if (!optional)
                {
                    min++;
                }
            }

            depth -= closes;
            if (depth < 0)
            {
                throw new ArgumentException($"usage '{usage}' closes a bracket it did not open", nameof(usage));
            }
        }

        if (depth != 0)
        {
            throw new ArgumentException($"usage '{usage}' leaves a bracket open", nameof(usage));
        }

        return (min, unbounded ? null : max);
    }
}
