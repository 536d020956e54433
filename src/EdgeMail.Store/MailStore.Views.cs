using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    // A converted copy up to this size stays in memory; a larger one goes to a temporary file.
    private const int ViewInMemoryMaxBytes = 1024 * 1024;

    /// <summary>
    /// The message as IMAP serves it, with CRLF line ends (see <see cref="MessageView"/>). Without reading anything
    /// when the body was stored with CRLF: converted at delivery, or stored before with no bare LF (its CRLF length
    /// equals its size). Otherwise the body is read and, if it has bare LFs, converted and summarized again.
    /// </summary>
    public async ValueTask<MessageView> ViewAsync(MessageRecord record, MessageSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.StoredCrlf || summary.CrlfLength == record.Size)
        {
            return new MessageView(this, record.BodyId, record.Size, summary);
        }

        string? file = null;
        try
        {
            Stream copy = record.Size + (record.Size / 8) <= ViewInMemoryMaxBytes
                ? new MemoryStream()
                : new FileStream(file = System.IO.Path.Combine(DataPath, "tmp", "view-" + Guid.NewGuid().ToString("N") + ".tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 64 * 1024);
            await using (copy.ConfigureAwait(false))
            {
                long bareLineFeeds;
                await using (var body = await OpenBodyAsync(record.BodyId, cancellationToken).ConfigureAwait(false))
                {
                    var converting = new CrlfReadStream(body);
                    await converting.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                    bareLineFeeds = converting.BareLineFeeds;
                }

                if (bareLineFeeds == 0)
                {
                    // Only the last line lacked its end: the stored bytes are already what IMAP serves.
                    await copy.DisposeAsync().ConfigureAwait(false);
                    DeleteQuietly(file);
                    return new MessageView(this, record.BodyId, record.Size, summary);
                }

                copy.Position = 0;
                var converted = MimeSummarizer.Summarize(copy, ParserOptionsFor(), cancellationToken) with { CrlfLength = summary.CrlfLength, StoredCrlf = true };
                var size = copy.Length;
                return file is null
                    ? new MessageView(((MemoryStream)copy).ToArray(), null, size, converted)
                    : new MessageView(null, file, size, converted);
            }
        }
        catch
        {
            DeleteQuietly(file);
            throw;
        }
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
