using System.Globalization;
using EdgeMail.Shared.Interop;
using EdgeMail.Store.Interop;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Bodies;

/// <summary>
/// The message bodies on disk, under &lt;data&gt;/bodies. Small bodies are appended to shared segment
/// files (seg-NNNNNN.dat) so that one fsync covers every delivery of a batch; large bodies get a file of
/// their own (b-GUID.eml), staged in &lt;data&gt;/tmp and renamed in. Only this class turns a body into
/// a path; a mailbox name never becomes one.
/// Writes to segments happen on the store's single writer loop; reads are positional and concurrent.
/// </summary>
internal sealed class BodyFiles : IDisposable
{
    public const string FolderName = "bodies";
    private const string FilePrefix = "b-";
    private const string FileSuffix = ".eml";
    private const long BlockSize = 4096;

    private readonly long _segmentMaxBytes;
    private readonly SegmentReaders _readers;
    private SafeFileHandle? _active;
    private long _activeId;
    private long _activeLength;
    private bool _activeDirty;
    private bool _directoryDirty;

    public BodyFiles(string dataPath, long segmentMaxBytes)
    {
        BodiesPath = System.IO.Path.Combine(dataPath, FolderName);
        TempPath = System.IO.Path.Combine(dataPath, "tmp");
        _segmentMaxBytes = segmentMaxBytes;
        _readers = new SegmentReaders(SegmentPath);
        Directory.CreateDirectory(BodiesPath);
        Directory.CreateDirectory(TempPath);
    }

    public string BodiesPath { get; }

    public string TempPath { get; }

    public long ActiveSegment => _activeId;

    /// <summary>The append position of the active segment; a failed batch truncates back to it.</summary>
    public (long Segment, long Length) Mark => (_activeId, _activeLength);

    public string SegmentPath(long id) => System.IO.Path.Combine(BodiesPath, SegmentName(id));

    private static string SegmentName(long id) => Backup.BodyBytes.SegmentName(id);

    public string FilePath(string name) => System.IO.Path.Combine(BodiesPath, name);

    /// <summary>Appends a small body to the active segment (writer loop only); durable after <see cref="Flush"/>.</summary>
    public BodyLocation Append(ReadOnlySpan<byte> body)
    {
        if (_active is null || (_activeLength > 0 && _activeLength + body.Length > _segmentMaxBytes))
        {
            OpenSegment(_activeId + 1, create: true);
        }

        var offset = _activeLength;
        RandomAccess.Write(_active!, body, offset);
        _activeLength += body.Length;
        _activeDirty = true;
        return new BodyLocation(_activeId, offset, body.Length, null);
    }

    /// <summary>Moves a staged large body into place (writer loop only); durable after <see cref="Flush"/>.</summary>
    public BodyLocation Adopt(StagedBody staged)
    {
        var name = FilePrefix + Guid.NewGuid().ToString("N") + FileSuffix;
        File.Move(staged.TempFile, FilePath(name));
        _directoryDirty = true;
        return new BodyLocation(null, 0, staged.Length, name);
    }

    /// <summary>
    /// Step 2 and 4 of the write order: fsync the segment that was appended to, and the directory
    /// whose entries changed, before the metadata commit makes the bodies visible.
    /// </summary>
    public void Flush()
    {
        if (_activeDirty && _active is not null)
        {
            RandomAccess.FlushToDisk(_active);
            _activeDirty = false;
        }

        if (_directoryDirty)
        {
            DirectoryFsync.Flush(BodiesPath);
            _directoryDirty = false;
        }
    }

    /// <summary>Undoes the appends of a batch whose commit failed: nothing of it may stay visible or take space.</summary>
    public void Rollback((long Segment, long Length) mark, IEnumerable<BodyLocation> adopted)
    {
        foreach (var location in adopted)
        {
            if (location.File is not null)
            {
                TryDelete(FilePath(location.File));
            }
        }

        if (_active is not null && _activeId == mark.Segment)
        {
            RandomAccess.SetLength(_active, mark.Length);
            _activeLength = mark.Length;
        }
        else if (_active is not null && _activeId != mark.Segment)
        {
            // The batch opened a new segment: the whole file is this batch's and is dropped.
            var dropped = _activeId;
            _active.Dispose();
            _active = null;
            TryDelete(SegmentPath(dropped));
            if (mark.Segment > 0 && File.Exists(SegmentPath(mark.Segment)))
            {
                OpenSegment(mark.Segment, create: false);
                RandomAccess.SetLength(_active!, mark.Length);
                _activeLength = mark.Length;
            }
            else
            {
                _activeId = mark.Segment;
                _activeLength = 0;
            }
        }

        _activeDirty = false;
        _directoryDirty = true;
    }

    /// <summary>Opens a body for reading; static, because readers (the CLI included) need no writer state.</summary>
    /// <summary>Opens a body for reading; segment bodies share one cached handle per segment (service mode).</summary>
    public Stream OpenRead(BodyLocation location, Action? onDispose)
    {
        if (location.Segment is not { } segment)
        {
            return OpenRead(BodiesPath, location, onDispose);
        }

        var lease = _readers.Acquire(segment);
        return new BodyStream(lease.Handle, location.Offset, location.Length, () =>
        {
            lease.Dispose();
            onDispose?.Invoke();
        }, ownsHandle: false);
    }

    public static Stream OpenRead(string bodiesPath, BodyLocation location, Action? onDispose)
    {
        var path = System.IO.Path.Combine(bodiesPath, location.File ?? SegmentName(location.Segment!.Value));
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new BodyStream(handle, location.Offset, location.Length, onDispose);
    }

    /// <summary>
    /// Frees a dead body's space: a file of its own is deleted; a segment range has its whole blocks
    /// punched out (partial blocks at the edges stay until the whole segment dies).
    /// </summary>
    public void Reclaim(BodyLocation location)
    {
        if (location.File is { } file)
        {
            TryDelete(FilePath(file));
            return;
        }

        PunchAligned(location.Segment!.Value, location.Offset, location.Offset + location.Length);
    }

    public void DeleteSegment(long id)
    {
        if (id == _activeId)
        {
            return;
        }

        _readers.Forget(id);
        TryDelete(SegmentPath(id));
    }

    /// <summary>
    /// Recovery at start (service mode only): staged temp files are dropped; own-files without a row
    /// are removed; each segment is cut back to its last live byte (a batch that crashed before its
    /// commit leaves bytes past it), dead gaps are punched, and dead segments are deleted. The newest
    /// segment becomes the active one.
    /// </summary>
    public RecoveryReport Recover(IReadOnlySet<string> liveFiles, IReadOnlyDictionary<long, List<(long Start, long End)>> liveRanges)
    {
        var report = new RecoveryReport();
        foreach (var temp in Directory.EnumerateFiles(TempPath))
        {
            TryDelete(temp);
            report.TempFilesRemoved++;
        }

        var segments = new List<long>();
        foreach (var path in Directory.EnumerateFiles(BodiesPath))
        {
            var name = System.IO.Path.GetFileName(path);
            if (Backup.BodyBytes.IsOwnFileName(name))
            {
                if (!liveFiles.Contains(name))
                {
                    TryDelete(path);
                    report.OrphanFilesRemoved++;
                }
            }
            else if (Backup.BodyBytes.IsSegmentName(name, out var id))
            {
                segments.Add(id);
            }
        }

        segments.Sort();
        var newest = segments.Count > 0 ? segments[^1] : 0;
        foreach (var id in segments)
        {
            liveRanges.TryGetValue(id, out var ranges);
            if ((ranges is null || ranges.Count == 0) && id != newest)
            {
                TryDelete(SegmentPath(id));
                report.SegmentsRemoved++;
                continue;
            }

            using var handle = File.OpenHandle(SegmentPath(id), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            var liveEnd = 0L;
            var previousEnd = 0L;
            foreach (var (start, end) in ranges ?? [])
            {
                PunchAligned(handle, previousEnd, start);
                previousEnd = Math.Max(previousEnd, end);
                liveEnd = Math.Max(liveEnd, end);
            }

            var length = RandomAccess.GetLength(handle);
            if (length > liveEnd)
            {
                RandomAccess.SetLength(handle, liveEnd);
                RandomAccess.FlushToDisk(handle);
                report.BytesTruncated += length - liveEnd;
            }
        }

        if (newest > 0)
        {
            OpenSegment(newest, create: false);
        }

        DirectoryFsync.Flush(BodiesPath);
        return report;
    }

    public void Dispose()
    {
        _active?.Dispose();
        _active = null;
        _readers.Dispose();
    }

    private void OpenSegment(long id, bool create)
    {
        _active?.Dispose();
        _active = File.OpenHandle(SegmentPath(id), create ? FileMode.CreateNew : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _activeId = id;
        _activeLength = RandomAccess.GetLength(_active);
        if (create)
        {
            _directoryDirty = true;
        }
    }

    private void PunchAligned(long segment, long start, long end)
    {
        if (segment == _activeId && _active is not null)
        {
            PunchAligned(_active, start, end);
            return;
        }

        try
        {
            using var handle = File.OpenHandle(SegmentPath(segment), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            PunchAligned(handle, start, end);
        }
        catch (FileNotFoundException)
        {
        }
    }

    private static void PunchAligned(SafeFileHandle handle, long start, long end)
    {
        var alignedStart = (start + BlockSize - 1) / BlockSize * BlockSize;
        var alignedEnd = end / BlockSize * BlockSize;
        if (alignedEnd > alignedStart)
        {
            Libc.PunchHole(handle, alignedStart, alignedEnd - alignedStart);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A large body written to a temp file and fsynced, waiting for the writer loop to move it into place.</summary>
internal sealed record StagedBody(string TempFile, long Length);

/// <summary>What recovery found and cleaned up.</summary>
public sealed class RecoveryReport
{
    public int TempFilesRemoved { get; set; }

    public int OrphanFilesRemoved { get; set; }

    public int SegmentsRemoved { get; set; }

    public long BytesTruncated { get; set; }
}
