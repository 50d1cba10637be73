using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace SharpSight.Games.Chess.Engines;

/// <summary>
/// A chess engine process spoken to over UCI (the Universal Chess Interface): the handshake (uci/uciok), options,
/// readiness (isready/readyok), new games, positions and searches. Every wait for a reply has a timeout, and every
/// failure is a <see cref="UciEngineException"/> with one line naming the engine and the command. Disposing quits the
/// engine (and kills it when it does not quit). Not thread-safe: one conversation at a time.
/// </summary>
public sealed class UciEngine : IDisposable
{
    /// <summary>Where Debian and Ubuntu install Stockfish (apt-get install stockfish).</summary>
    public const string DefaultPath = "/usr/games/stockfish";

    /// <summary>The default time to wait for any reply, 30 s (a search also gets its move time on top).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly Dictionary<string, UciOption> _options = new(StringComparer.OrdinalIgnoreCase);
    private volatile string? _lastError;
    private bool _disposed;

    private UciEngine(Process process, string path, TimeSpan timeout)
    {
        _process = process;
        EnginePath = path;
        Timeout = timeout;
    }

    /// <summary>The engine binary.</summary>
    public string EnginePath { get; }

    /// <summary>The engine's name from its "id name" line ("Stockfish 15.1").</summary>
    public string Name { get; private set; } = "";

    /// <summary>How long to wait for a reply.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The options the engine declared, by name (names are case-insensitive in UCI).</summary>
    public IReadOnlyDictionary<string, UciOption> Options => _options;

    /// <summary>Starts an engine and completes the UCI handshake.</summary>
    /// <param name="path">The engine binary (default <see cref="DefaultPath"/>); a bare name is looked up on PATH.</param>
    /// <param name="timeout">How long to wait for each reply (default <see cref="DefaultTimeout"/>).</param>
    /// <exception cref="UciEngineException">The binary is missing or not runnable, exits, or does not answer "uciok".</exception>
    public static UciEngine Start(string path = DefaultPath, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains(System.IO.Path.DirectorySeparatorChar) && !File.Exists(path))
            throw new UciEngineException($"chess engine '{path}' not found (install stockfish, or give the engine's path)");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        var engine = new UciEngine(process, path, timeout ?? DefaultTimeout);
        process.OutputDataReceived += (_, e) =>
        {
            // Runs on a thread-pool thread: an exception here would end the whole program, so none may escape.
            if (engine._lines.IsAddingCompleted) return;
            if (e.Data is null) engine._lines.CompleteAdding();
            else engine._lines.TryAdd(e.Data);
        };
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) engine._lastError = e.Data.Trim(); };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new UciEngineException($"chess engine '{path}' could not be started: {e.Message}", e);
        }
        process.StandardInput.AutoFlush = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            engine.Handshake();
        }
        catch
        {
            engine.Dispose();
            throw;
        }
        return engine;
    }

    private void Handshake()
    {
        Send("uci");
        WaitFor("uciok", "uci", Timeout, line =>
        {
            if (line.StartsWith("id name ", StringComparison.Ordinal)) Name = line[8..].Trim();
            else if (UciOption.Parse(line) is { } option) _options[option.Name] = option;
        });
    }

    /// <summary>Sets an option ("setoption name Skill Level value 5") and waits until the engine is ready.</summary>
    /// <param name="name">The option's name, as the engine declared it.</param>
    /// <param name="value">The value (null for a button).</param>
    /// <exception cref="ArgumentException">The engine has no such option, or the value is outside its type or range.</exception>
    public void SetOption(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_options.TryGetValue(name, out UciOption? option))
            throw new ArgumentException($"chess engine '{Name}' has no option '{name}' (it has: {string.Join(", ", _options.Keys)})");
        if (value is not null) option.Validate(value);
        Send(value is null ? $"setoption name {option.Name}" : $"setoption name {option.Name} value {value}");
        WaitReady();
    }

    /// <summary>Sets an integer option.</summary>
    /// <exception cref="ArgumentException">The engine has no such option, or the value is outside its range.</exception>
    public void SetOption(string name, long value) => SetOption(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sends "isready" and waits for "readyok".</summary>
    public void WaitReady()
    {
        Send("isready");
        WaitFor("readyok", "isready", Timeout);
    }

    /// <summary>Starts a new game ("ucinewgame"): the engine forgets its hash table and search history.</summary>
    public void NewGame()
    {
        Send("ucinewgame");
        WaitReady();
    }

    /// <summary>The engine's move in a position searched without its history (repetitions before it are unknown to the engine).</summary>
    /// <returns>The move, or null when the side to move has none (the engine answers "bestmove (none)").</returns>
    public Move? BestMove(Position position, SearchLimit limit) => BestMove(position, [], limit);

    /// <summary>The engine's move after <paramref name="moves"/> from <paramref name="start"/>.</summary>
    /// <param name="start">The game's start ("position startpos" when it is the standard one, else "position fen …").</param>
    /// <param name="moves">The moves played so far; the engine sees them, so it knows about repetitions.</param>
    /// <param name="limit">How long to search.</param>
    /// <returns>The move, checked to be legal, or null when the side to move has none ("bestmove (none)").</returns>
    /// <exception cref="UciEngineException">No "bestmove" in time, the engine exited, or it answered an illegal move.</exception>
    public Move? BestMove(Position start, IReadOnlyList<Move> moves, SearchLimit limit)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(moves);
        string fen = start.ToFen();
        string position = fen == Position.StartFen ? "position startpos" : "position fen " + fen;
        Send(moves.Count == 0 ? position : position + " moves " + string.Join(' ', moves.Select(m => m.ToUci())));
        string go = limit.GoCommand;
        Send(go);
        TimeSpan wait = Timeout + (limit.Kind == SearchLimitKind.MoveTime ? TimeSpan.FromMilliseconds(limit.Value) : TimeSpan.Zero);
        string reply = WaitFor("bestmove", go, wait);
        string[] words = reply.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2) throw new UciEngineException($"chess engine '{EnginePath}' answered '{reply}' to '{go}', without a move");
        if (words[1] is "(none)" or "0000") return null;
        Position final = start.Play(moves);
        try
        {
            return final.ParseUci(words[1]);
        }
        catch (GameRecordException e)
        {
            throw new UciEngineException($"chess engine '{EnginePath}' answered 'bestmove {words[1]}', not a legal move in {final.ToFen()}", e);
        }
    }

    private void Send(string command)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _process.StandardInput.WriteLine(command);
        }
        catch (IOException e)
        {
            throw Exited(command, e);
        }
    }

    // Waits for a line that starts with the expected word; other lines (info, id, option) go to observe.
    private string WaitFor(string expected, string command, TimeSpan timeout, Action<string>? observe = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            TimeSpan left = timeout - clock.Elapsed;
            if (left < TimeSpan.Zero) left = TimeSpan.Zero;
            if (!_lines.TryTake(out string? line, left))
            {
                if (_lines.IsAddingCompleted) throw Exited(command, null);
                throw new UciEngineException(string.Create(CultureInfo.InvariantCulture,
                    $"chess engine '{EnginePath}' did not answer '{command}' with '{expected}' within {timeout.TotalSeconds:0.#} s"));
            }
            if (line == expected || line.StartsWith(expected + " ", StringComparison.Ordinal)) return line;
            observe?.Invoke(line);
        }
    }

    private UciEngineException Exited(string command, Exception? inner)
    {
        string code = _process.WaitForExit(1000) ? $" with code {_process.ExitCode}" : "";
        string why = _lastError is { } error ? $": {error}" : "";
        return new UciEngineException($"chess engine '{EnginePath}' exited{code} after '{command}'{why}", inner);
    }

    /// <summary>Sends "quit" and waits a moment for the engine to exit; kills it if it does not.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                if (!_process.WaitForExit(2000)) _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The engine is gone already.
        }
        // _lines stays undisposed: the output callback may still run once more as the pipe closes.
        _process.Dispose();
    }
}
