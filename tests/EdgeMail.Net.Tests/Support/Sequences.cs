using System.Buffers;
using System.Text;

namespace EdgeMail.Net.Tests.Support;

internal static class Sequences
{
    /// <summary>A sequence with one segment per part (Latin-1, so "\0" and "\xFF" are single bytes).</summary>
    public static ReadOnlySequence<byte> FromParts(params string[] parts)
    {
        Segment? first = null, last = null;
        foreach (var part in parts)
        {
            var segment = new Segment(Encoding.Latin1.GetBytes(part));
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.Append(segment);
            }
            last = segment;
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    public static string Text(in ReadOnlySequence<byte> sequence) => Encoding.Latin1.GetString(sequence);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public void Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
