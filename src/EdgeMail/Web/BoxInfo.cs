using System.Reflection;
using EdgeMail.Configuration;
using EdgeMail.Hosting;
using EdgeMail.Signals;
using EdgeMail.Store;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web;

/// <summary>The host's side of <see cref="IBoxInfo"/>: the mail listeners, the data folder's use, the ports clients are told.</summary>
internal sealed class BoxInfo : IBoxInfo
{
    /// <summary>The data folder's size is summed at most this often: a monitoring poll must not walk the folder each time.</summary>
    private static readonly TimeSpan SizeCacheTime = TimeSpan.FromSeconds(60);

    private readonly EdgeMailSettings _settings;
    private readonly MailStore _store;
    private readonly DiskSpace _disk;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (long Bytes, DateTimeOffset At)? _size;

    public BoxInfo(EdgeMailSettings settings, MailStore store, DiskSpace disk, IServiceProvider services, TimeProvider time)
    {
        _settings = settings;
        _store = store;
        _disk = disk;
        _services = services;
        _time = time;
        StartedAt = time.GetUtcNow();
        Version = ProductVersion.Current;
        Domains = settings.Domains;
    }

    public string Version { get; }

    public DateTimeOffset StartedAt { get; }

    public IReadOnlyList<string> Domains { get; }

    public IReadOnlyList<ServiceListener> GetMailListeners() =>
        [.. BoundListeners.Of(_services).Select(l => new ServiceListener(l.Name, l.Bound.Address.ToString(), l.Bound.Port, l.Tls))];

    public StorageUse GetStorage() => new(MailBytes(), _disk.FreeBytes(), _settings.Storage.MinFreeBytes);

    public MailPorts GetMailPorts() => new(
        _settings.Imap.Port, _settings.Imap.TlsPort, _settings.Pop3.Port, _settings.Pop3.TlsPort, _settings.Smtp.SubmissionPort, _settings.Smtp.TlsPort);

    private long MailBytes()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_size is { } cached && now - cached.At < SizeCacheTime)
            {
                return cached.Bytes;
            }
        }

        long bytes = 0;
        try
        {
            foreach (var file in new DirectoryInfo(_store.DataPath).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                bytes += file.Length;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file removed while summing (a segment compacted): the next call sums again.
        }

        lock (_gate)
        {
            _size = (bytes, now);
        }
        return bytes;
    }
}
