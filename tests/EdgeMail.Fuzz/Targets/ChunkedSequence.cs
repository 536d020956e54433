using System.Buffers;

namespace EdgeMail.Fuzz.Targets;

/// <summary>Bytes as a sequence of small segments, so that lines and CRLFs fall across segment ends as they do off a socket.</summary>
internal sealed class ChunkedSequence : ReadOnlySequenceSegment<byte>
{
    private ChunkedSequence(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(byte[] input, int segmentBytes)
    {
        if (input.Length <= segmentBytes)
        {
            return new ReadOnlySequence<byte>(input);
        }

        var first = new ChunkedSequence(input.AsMemory(0, segmentBytes), 0);
        var last = first;
        for (var at = segmentBytes; at < input.Length; at += segmentBytes)
        {
            var next = new ChunkedSequence(input.AsMemory(at, Math.Min(segmentBytes, input.Length - at)), at);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
