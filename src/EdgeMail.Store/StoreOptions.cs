using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Store;

/// <summary>The "Storage" configuration section.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Storage";

    /// <summary>The data folder: database, message bodies, TLS certificate. Relative paths are taken from the working directory.</summary>
    [Required]
    public string Path { get; set; } = "./data";

    /// <summary>
    /// Messages up to this size are appended to shared segment files, so that one fsync covers a whole
    /// batch of concurrent deliveries; larger ones get a file of their own and are never held whole in
    /// memory. 256 KiB holds over 95% of mail by count while keeping the staging buffer small on a Pi.
    /// </summary>
    [Range(4 * 1024, 16 * 1024 * 1024)]
    public int InlineBodyMaxBytes { get; set; } = 256 * 1024;

    /// <summary>A segment file is closed and a new one started past this size (64 MiB: few files, cheap to drop once dead).</summary>
    [Range(1024 * 1024, 1024L * 1024 * 1024)]
    public long SegmentMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The store's own ceiling on one message, a backstop behind each protocol's limit (Smtp and Imap
    /// limits are lower). 100 MiB is above any provider's attachment limit (Gmail 25 MB, Outlook 150 MB via links).
    /// </summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxMessageBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Most writes that share one transaction and one fsync (group commit).</summary>
    [Range(1, 10_000)]
    public int MaxBatchWrites { get; set; } = 256;

    /// <summary>Deepest MIME nesting parsed into the summary; deeper parts are treated as opaque (MimeKit ParserOptions.MaxMimeDepth).</summary>
    [Range(4, 1024)]
    public int MaxMimeDepth { get; set; } = 64;

    /// <summary>
    /// Free space on the data folder's file system below which the box reports low disk (the status LED's error
    /// pattern, `status`); 0 turns the check off. Refusing mail on it is a later step; a full disk is already answered
    /// 452 4.3.1 / NO [OVERQUOTA].
    /// </summary>
    [Range(0, 1024L * 1024 * 1024 * 1024)]
    public long MinFreeBytes { get; set; } = 256L * 1024 * 1024;
}
