using Google.Protobuf;

namespace Actors.Core.Log;

/// <summary>Bytes of the log (an operation, a snapshot section) that this version cannot read: malformed, or written by a newer one.</summary>
public sealed class LogFormatException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>An operation whose kind this version does not know.</summary>
    public static LogFormatException UnknownOperation(string service) =>
        new($"{service}: an operation unknown to this version (malformed, or written by a newer one: upgrade this node)");

    /// <summary>Parses <paramref name="bytes"/> as a <typeparamref name="T"/>, or throws a <see cref="LogFormatException"/> naming <paramref name="service"/>.</summary>
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, string service) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new LogFormatException($"{service}: malformed bytes ({e.Message})", e);
        }
    }
}

/// <summary>Helpers the services' codecs share.</summary>
public static class LogFormat
{
    /// <summary>
    /// The bytes as they are, without a copy: a message is written at once and never kept, and the log's values never
    /// change their arrays. Null reads back as empty.
    /// </summary>
    public static ByteString Wrap(byte[]? bytes) => bytes is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(bytes);
}
