using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Actors.Contracts.Cmd;

/// <summary>
/// The command wire protocol: TCP, UTF-8, newline-delimited JSON with camelCase property names. Each
/// request is one line, answered by exactly one response line, in order; a connection may carry any
/// number of requests. A request line longer than <see cref="MaxRequestLineBytes"/>, invalid UTF-8 or
/// JSON that is not a request is answered with one error response, after which the host closes that
/// connection.
/// </summary>
public static class CommandProtocol
{
    /// <summary>Command port a node listens on unless configured otherwise (node i uses 9109+i).</summary>
    public const int DefaultPort = 9110;

    /// <summary>Environment variable that supplies the token to a node and to the CLI when not configured otherwise.</summary>
    public const string TokenEnvironmentVariable = "ACTORS_CMD_TOKEN";

    /// <summary>Longest accepted request line in bytes, excluding the line terminator.</summary>
    public const int MaxRequestLineBytes = 64 * 1024;

    /// <summary>Longest response line a <see cref="CommandClient"/> accepts, excluding the terminator.</summary>
    public const int MaxResponseLineBytes = 16 * 1024 * 1024;

    /// <summary>UTF-8 without a byte-order mark that throws on invalid input instead of substituting.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Serializes <paramref name="request"/> as one JSON line (no terminator).</summary>
    public static string Serialize(CommandRequest request) =>
        JsonSerializer.Serialize(request, CommandJsonContext.Default.CommandRequest);

    /// <summary>Serializes <paramref name="response"/> as one JSON line (no terminator).</summary>
    public static string Serialize(CommandResponse response) =>
        JsonSerializer.Serialize(response, CommandJsonContext.Default.CommandResponse);

    /// <summary>UTF-8 bytes of <paramref name="request"/> followed by <c>\n</c>, ready to write.</summary>
    public static byte[] ToLine(CommandRequest request) => ToLine(Serialize(request));

    /// <summary>UTF-8 bytes of <paramref name="response"/> followed by <c>\n</c>, ready to write.</summary>
    public static byte[] ToLine(CommandResponse response) => ToLine(Serialize(response));

    /// <summary>
    /// Parses one request line. Palette, command and args must be present and not null; json and
    /// token may be omitted.
    /// </summary>
    /// <exception cref="CommandProtocolException">The line is not a well-formed request.</exception>
    public static CommandRequest ParseRequest(string line)
    {
        var request = Parse(line, CommandJsonContext.Default.CommandRequest, "request");
        if (request.Palette is null || request.Command is null || request.Args is null)
        {
            throw new CommandProtocolException("palette, command and args are required");
        }

        foreach (var arg in request.Args)
        {
            if (arg is null)
            {
                throw new CommandProtocolException("args must be strings");
            }
        }

        return request;
    }

    /// <summary>Parses one response line.</summary>
    /// <exception cref="CommandProtocolException">The line is not a well-formed response.</exception>
    public static CommandResponse ParseResponse(string line)
    {
        var response = Parse(line, CommandJsonContext.Default.CommandResponse, "response");
        if (response.Stdout is null || response.Stderr is null)
        {
            throw new CommandProtocolException("stdout and stderr are required");
        }

        return response;
    }

    private static byte[] ToLine(string json)
    {
        var bytes = new byte[StrictUtf8.GetByteCount(json) + 1];
        StrictUtf8.GetBytes(json, 0, json.Length, bytes, 0);
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static T Parse<T>(string line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(line, typeInfo)
                ?? throw new CommandProtocolException($"a {what} must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new CommandProtocolException($"not a JSON {what} ({e.Message})", e);
        }
    }
}

/// <summary>Source-generated JSON metadata for the command protocol.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandResponse))]
internal sealed partial class CommandJsonContext : JsonSerializerContext;
