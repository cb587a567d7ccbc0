using System.Text;
using System.Text.Json;

namespace Actors.Runtime.Cmd;

/// <summary>Formats help output for palettes, as text or JSON.</summary>
internal static class CommandHelp
{
    /// <summary>The full invocation of a command, e.g. <c>kv put KEY VALUE</c>.</summary>
    public static string Usage(ICommandPalette palette, CommandSpec spec) =>
        spec.Usage.Length == 0 ? $"{palette.Name} {spec.Name}" : $"{palette.Name} {spec.Name} {spec.Usage}";

    /// <summary>One palette: its description, then one aligned line per command.</summary>
    public static string Palette(ICommandPalette palette)
    {
        var text = new StringBuilder();
        AppendPalette(text, palette);
        return text.ToString();
    }

    /// <summary>Every palette in the given order, introduced by the usage of <c>help</c> itself.</summary>
    public static string All(IEnumerable<ICommandPalette> palettes)
    {
        var text = new StringBuilder();
        text.Append("help [PALETTE]  Lists every palette's commands, or one palette's.\n");
        foreach (var palette in palettes)
        {
            text.Append('\n');
            AppendPalette(text, palette);
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>{"palettes":[{"name","description","commands":[{"name","usage","description"}]}]}</c>.
    /// </summary>
    public static string Json(IEnumerable<ICommandPalette> palettes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("palettes");
            foreach (var palette in palettes)
            {
                json.WriteStartObject();
                json.WriteString("name", palette.Name);
                json.WriteString("description", palette.Description);
                json.WriteStartArray("commands");
                foreach (var spec in palette.Commands)
                {
                    json.WriteStartObject();
                    json.WriteString("name", spec.Name);
                    json.WriteString("usage", spec.Usage);
                    json.WriteString("description", spec.Description);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void AppendPalette(StringBuilder text, ICommandPalette palette)
    {
        text.Append(palette.Name).Append(": ").Append(palette.Description).Append('\n');
        var usages = palette.Commands.Select(spec => Usage(palette, spec)).ToArray();
        var width = usages.Length == 0 ? 0 : usages.Max(usage => usage.Length);
        for (var i = 0; i < usages.Length; i++)
        {
            text.Append("  ").Append(usages[i].PadRight(width)).Append("  ")
                .Append(palette.Commands[i].Description).Append('\n');
        }
    }
}
