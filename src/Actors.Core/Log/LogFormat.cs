using Google.Protobuf;

namespace Actors.Core.Log;

/// <summary>
/// Bytes of the log (an operation, a snapshot section) that this version cannot read. <see cref="Newer"/> tells the two
/// cases apart: malformed bytes, which every version refuses alike (a command of them is refused on every replica), and
/// bytes that may be well formed for a newer version (an operation, a field, a service or a section format this one does
/// not know), which this version must not apply at all: a replica that skipped or half-read them would differ from one
/// that knows them.
/// </summary>
public sealed class LogFormatException(string message, bool newer = false, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the bytes may come from a newer version; false when they are malformed for every version.</summary>
    public bool Newer { get; } = newer;

    /// <summary>
    /// An operation of no kind: empty bytes, which no version writes (an operation a newer version added shows as fields
    /// this one does not know, <see cref="UnknownFields"/>).
    /// </summary>
    public static LogFormatException NoOperation(string service) => new($"{service}: an operation of no kind (empty bytes)");

    /// <summary>
    /// Parses <paramref name="bytes"/> as a <typeparamref name="T"/>, or throws a <see cref="LogFormatException"/> naming
    /// <paramref name="service"/>: malformed bytes, or fields this version does not know (it would drop them, and apply
    /// something else than a version that knows them).
    /// </summary>
    public static T Parse<T>(ReadOnlySpan<byte> bytes, string service) where T : IMessage<T>, new()
    {
        T message;
        try
        {
            message = Discarding<T>.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new LogFormatException($"{service}: malformed bytes ({e.Message})", inner: e);
        }
        if (message.CalculateSize() == bytes.Length) return message;
        // Rare: the parser dropped something, or the bytes are not as an encoder writes them. Only fields it does not know
        // (kept by a parser that keeps them) mean a newer version; an encoding no version writes (a varint longer than
        // it needs, invalid UTF-8) is malformed, and refused alike by every version.
        var kept = new MessageParser<T>(() => new T()).ParseFrom(bytes);
        if (kept.CalculateSize() != message.CalculateSize()) throw UnknownFields(service);
        throw new LogFormatException($"{service}: malformed bytes (not as any encoder writes them)");
    }

    /// <summary>Fields this version does not know.</summary>
    public static LogFormatException UnknownFields(string service) =>
        new($"{service}: fields unknown to this version (written by a newer one? upgrade this node)", newer: true);

    /// <summary>Parsers that drop unknown fields, so that what they drop shows in the size of what they read.</summary>
    internal static class Discarding<T> where T : IMessage<T>, new()
    {
        public static readonly MessageParser<T> Parser = new MessageParser<T>(() => new T()).WithDiscardUnknownFields(true);
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

    /// <summary>A section of <paramref name="items"/>, each written as its message, one after the other (<see cref="Delimited{T}"/>).</summary>
    public static ServiceSection Section<TItem, TMessage>(int service, int format, IEnumerable<TItem> items, Func<TItem, TMessage> toMessage)
        where TMessage : IMessage => new(service, format, Delimited(items.Select(toMessage)));

    /// <summary>The items of a section <see cref="Section{TItem,TMessage}"/> wrote in <paramref name="format"/>; none when it is null.</summary>
    /// <exception cref="LogFormatException">Another format, malformed bytes, or fields this version does not know.</exception>
    public static List<TItem> Items<TItem, TMessage>(ServiceSection? section, int format, string service, Func<TMessage, TItem> fromMessage)
        where TMessage : IMessage<TMessage>, new()
    {
        if (section is null) return [];
        Expect(section, format, service);
        return ReadDelimited<TMessage>(section.Bytes, service).Select(fromMessage).ToList();
    }

    /// <summary>Messages one after the other, each with its length before it: a section written and read item by item.</summary>
    public static byte[] Delimited<T>(IEnumerable<T> messages) where T : IMessage
    {
        var stream = new MemoryStream();
        foreach (var m in messages) m.WriteDelimitedTo(stream);
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Delimited{T}"/> wrote.</summary>
    /// <exception cref="LogFormatException">Malformed bytes, named after <paramref name="service"/>.</exception>
    /// <exception cref="LogFormatException">Malformed bytes, or fields this version does not know, named after <paramref name="service"/>.</exception>
    public static List<T> ReadDelimited<T>(byte[] bytes, string service) where T : IMessage<T>, new()
    {
        var stream = new MemoryStream(bytes, writable: false);
        var list = new List<T>();
        long read = 0;
        try
        {
            while (stream.Position < stream.Length)
            {
                var item = LogFormatException.Discarding<T>.Parser.ParseDelimitedFrom(stream);
                var size = item.CalculateSize();
                read += CodedOutputStream.ComputeLengthSize(size) + size;
                list.Add(item);
            }
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException)
        {
            throw new LogFormatException($"{service}: malformed snapshot section ({e.Message})", inner: e);
        }
        // What the parser dropped (or an encoding no version writes) shows as bytes read that the items do not account for.
        if (read != bytes.Length) throw LogFormatException.UnknownFields(service);
        return list;
    }

    /// <summary>Throws unless <paramref name="section"/> is in <paramref name="format"/>, the only one this version of <paramref name="service"/> reads.</summary>
    public static void Expect(ServiceSection section, int format, string service)
    {
        if (section.Format != format)
            throw new LogFormatException($"{service}: snapshot section format {section.Format} is unknown to this version, which reads {format} (upgrade this node)", newer: true);
    }
}
