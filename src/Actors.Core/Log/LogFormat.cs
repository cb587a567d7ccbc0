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

    /// <summary>Messages one after the other, each with its length before it: a section written and read item by item.</summary>
    public static byte[] Delimited<T>(IEnumerable<T> messages) where T : IMessage
    {
        var stream = new MemoryStream();
        foreach (var m in messages) m.WriteDelimitedTo(stream);
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Delimited{T}"/> wrote.</summary>
    /// <exception cref="LogFormatException">Malformed bytes, named after <paramref name="service"/>.</exception>
    public static List<T> ReadDelimited<T>(byte[] bytes, MessageParser<T> parser, string service) where T : IMessage<T>
    {
        var stream = new MemoryStream(bytes, writable: false);
        var list = new List<T>();
        try
        {
            while (stream.Position < stream.Length) list.Add(parser.ParseDelimitedFrom(stream));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException)
        {
            throw new LogFormatException($"{service}: malformed snapshot section ({e.Message})", e);
        }
        return list;
    }

    /// <summary>Throws unless <paramref name="section"/> is in <paramref name="format"/>, the only one this version of <paramref name="service"/> reads.</summary>
    public static void Expect(ServiceSection section, int format, string service)
    {
        if (section.Format != format)
            throw new LogFormatException($"{service}: snapshot section format {section.Format} is unknown to this version, which reads {format} (upgrade this node)");
    }
}
