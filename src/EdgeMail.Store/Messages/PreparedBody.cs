using System.Buffers;
using EdgeMail.Store.Bodies;
using EdgeMail.Store.Data;

namespace EdgeMail.Store.Messages;

/// <summary>
/// A body written and summarized, waiting to be handed to its write: inline bytes in a pooled buffer (which goes back
/// unless handed over), or a staged file fsynced and ready to be moved into place.
/// </summary>
internal sealed class PreparedBody(byte[]? buffer, int filled, StagedBody? staged, byte[] summaryBytes, byte[] sha256) : IDisposable
{
    private bool _handedOver;

    public byte[] SummaryBytes { get; } = summaryBytes;

    /// <summary>The SHA-256 of the body as stored, recorded with it (schema 6) for `edgemail check`.</summary>
    public byte[] Sha256 { get; } = sha256;

    public long Size => staged?.Length ?? filled;

    /// <summary>The writer loop appends the inline bytes (and returns the buffer) or moves the staged file into place.</summary>
    public void HandTo(WriteOp op)
    {
        op.Inline = staged is null ? buffer : null;
        op.InlineLength = staged is null ? filled : 0;
        op.Staged = staged;
        _handedOver = true;
    }

    public void Dispose()
    {
        if (!_handedOver && buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
