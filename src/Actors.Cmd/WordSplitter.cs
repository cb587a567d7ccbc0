using System.Text;

namespace Actors.Cmd;

/// <summary>
/// Splits an interactive line into words: whitespace separates words; double quotes group, so
/// <c>"two words"</c> is one word and <c>""</c> an empty one; inside quotes <c>\"</c> and <c>\\</c>
/// stand for <c>"</c> and <c>\</c>; quoted and unquoted parts next to each other form one word.
/// </summary>
internal static class WordSplitter
{
    /// <exception cref="FormatException">A quote is not closed.</exception>
    public static IReadOnlyList<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                {
                    word.Append(line[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c == '"')
                {
                    quoted = true;
                }
                else
                {
                    word.Append(c);
                }
            }
        }

        if (quoted)
        {
            throw new FormatException("unterminated quote");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
