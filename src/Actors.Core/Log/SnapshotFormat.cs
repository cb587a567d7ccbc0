using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Actors.Core.Log;

/// <summary>
/// A <see cref="StateSnapshot"/> as bytes, for its transfer between replicas and for the node's serializer (which writes
/// exactly these bytes after its format version): applied-through and log time (8 bytes each), the section count (4),
/// then per section a tag (0xFE), the service id and the section format (4 bytes each) and the section's bytes with their
/// length (4). Little-endian. The sections' contents are the services' own; this framing never reads them.
/// </summary>
public static class SnapshotFormat
{
    /// <summary>Before each section: this framing, as opposed to the per-service section ids of earlier versions (1 to 5).</summary>
    public const byte SectionTag = 0xFE;

    public static byte[] Encode(StateSnapshot s)
    {
        var sections = s.Sections.IsDefault ? [] : s.Sections;
        var bytes = new byte[20 + sections.Sum(x => 13L + x.Bytes.Length)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, s.AppliedThrough);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], s.LogTime);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], sections.Length);
        var at = 20;
        foreach (var x in sections)
        {
            span[at] = SectionTag;
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 1)..], x.Service);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 5)..], x.Format);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 9)..], x.Bytes.Length);
            x.Bytes.CopyTo(span[(at + 13)..]);
            at += 13 + x.Bytes.Length;
        }
        return bytes;
    }

    /// <exception cref="LogFormatException">Bytes this framing did not write (cut short, a bad tag or length, bytes left over).</exception>
    public static StateSnapshot Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 20) throw Malformed("shorter than its header");
        var applied = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var logTime = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        if (count < 0 || count > (bytes.Length - 20) / 13) throw Malformed($"{count} sections in {bytes.Length} bytes");
        var sections = ImmutableArray.CreateBuilder<ServiceSection>(count);
        var at = 20;
        for (var i = 0; i < count; i++)
        {
            if (bytes.Length - at < 13 || bytes[at] != SectionTag) throw Malformed($"section {i} has no section header");
            var service = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 1)..]);
            var format = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 5)..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 9)..]);
            if (length < 0 || length > bytes.Length - at - 13) throw Malformed($"section {i} is said to hold {length} bytes");
            sections.Add(new ServiceSection(service, format, bytes.Slice(at + 13, length).ToArray()));
            at += 13 + length;
        }
        if (at != bytes.Length) throw Malformed($"{bytes.Length - at} bytes after the last section");
        return new StateSnapshot(applied, logTime, sections.MoveToImmutable());
    }

    private static LogFormatException Malformed(string why) => new($"snapshot: malformed ({why})");
}
