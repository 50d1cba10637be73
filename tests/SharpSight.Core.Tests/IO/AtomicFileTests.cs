using System.Text;
using SharpSight.Core.IO;

namespace SharpSight.Core.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Write_creates_and_then_replaces_the_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("a.txt");
        AtomicFile.WriteAllText(path, "first");
        Assert.Equal("first", File.ReadAllText(path));
        AtomicFile.WriteAllBytes(path, "second"u8);
        Assert.Equal("second", File.ReadAllText(path));
        AtomicFile.Write(path, stream => stream.Write("third"u8));
        Assert.Equal("third", File.ReadAllText(path));
        Assert.Equal(["a.txt"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAllText_writes_utf8_without_byte_order_mark()
    {
        using var folder = new TempFolder();
        string path = folder.File("u.txt");
        AtomicFile.WriteAllText(path, "é");
        Assert.Equal(Encoding.UTF8.GetBytes("é"), File.ReadAllBytes(path));
    }

    [Fact]
    public void Failing_writer_leaves_previous_file_intact_and_no_temp_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("keep.bin");
        File.WriteAllText(path, "original");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("writer failed");
        }));

        Assert.Equal("writer failed", error.Message);
        Assert.Equal("original", File.ReadAllText(path));
        Assert.Equal(["keep.bin"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Failing_writer_for_new_file_creates_nothing()
    {
        using var folder = new TempFolder();
        Assert.Throws<IOException>(() => AtomicFile.Write(folder.File("new.bin"), _ => throw new IOException("disk full")));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Missing_folder_is_reported()
    {
        using var folder = new TempFolder();
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(Path.Combine(folder.Path, "no", "x.txt"), "x"));
    }
}
