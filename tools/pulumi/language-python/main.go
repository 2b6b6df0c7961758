// Command pulumi-language-python is a minimal Pulumi language host for Python programs.
//
// Why it exists: the upstream host (module .../sdk/python/cmd/pulumi-language-python/v3) is only
// published as untagged pseudo-versions, which the package registries this project can reach do not
// serve. Its job is small, though: serve the engine's LanguageRuntime gRPC interface and, on Run,
// start Pulumi's own exec shim (`pulumi-language-python-exec`, shipped in the sdk/v3 module and
// copied beside this binary) with the resource monitor's address and the stack's config. Everything
// that matters (the Python SDK, the engine, the dynamic providers) is upstream Pulumi, unchanged.
//
// It also runs Python plugins (RunPlugin): a folder with PulumiPlugin.yaml (`runtime: python`) and a
// __main__.py, such as this project's component provider, is started as `python -u FOLDER ARGS...`
// and its output streamed back to the engine, which reads the provider's port from it.
//
// Deliberate limits: no dependency installation (the project's Makefile owns the virtualenv), and
// no plugin discovery (the sim platform needs no provider plugins; acquisition is disabled anyway).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// userActionableExitCode is the shim's signal that it already printed a message the user can act on.
const userActionableExitCode = 32

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	execShim      string
}

func main() {
	// The engine passes flags (e.g. -tracing) and then the engine's address as the last argument.
	var engineAddress string
	if n := len(os.Args); n > 1 && !strings.HasPrefix(os.Args[n-1], "-") {
		engineAddress = os.Args[n-1]
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	host := &languageHost{
		engineAddress: engineAddress,
		execShim:      filepath.Join(filepath.Dir(self), "pulumi-language-python-exec"),
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, host)
			return nil
		},
	})
	if err != nil {
		fail(err)
	}
	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
	os.Exit(1)
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	python := pythonFor(req.GetInfo())
	out, err := exec.CommandContext(ctx, python, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s --version: %w", python, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: python,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "Python "),
	}, nil
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	// Non-nil values: the exec shim expects a JSON object and a JSON list, never `null`.
	config, err := json.Marshal(nonNilMap(req.GetConfig()))
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, fmt.Errorf("serializing secret config keys: %w", err)
	}

	info := req.GetInfo()
	program := req.GetProgram()
	if program == "" {
		program = "."
	}
	args := []string{"-u", h.execShim}
	flags := map[string]string{
		"monitor":        req.GetMonitorAddress(),
		"engine":         h.engineAddress,
		"project":        req.GetProject(),
		"stack":          req.GetStack(),
		"pwd":            req.GetPwd(),
		"dry_run":        fmt.Sprint(req.GetDryRun()),
		"parallel":       fmt.Sprint(req.GetParallel()),
		"organization":   req.GetOrganization(),
		"root_directory": info.GetRootDirectory(),
	}
	for _, name := range []string{
		"monitor", "engine", "project", "stack", "pwd", "dry_run", "parallel", "organization", "root_directory",
	} {
		if value := flags[name]; value != "" {
			args = append(args, "--"+name, value)
		}
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, pythonFor(info), args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	)
	if venv := virtualenvFor(info); venv != "" {
		cmd.Env = append(cmd.Env, "VIRTUAL_ENV="+venv,
			"PATH="+filepath.Join(venv, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	}

	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == userActionableExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Python program: %v", err)}, nil
	}
}

// InstallDependencies does nothing: scripts/setup.sh owns the virtualenv (the engine asks before it
// runs a plugin from a folder, e.g. `pulumi package get-schema ./provider`).
func (h *languageHost) InstallDependencies(
	*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return nil
}

// RunPlugin starts a Python plugin (e.g. a component provider) and streams its output and exit code.
func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	info := req.GetInfo()
	program := info.GetProgramDirectory()
	if program == "" {
		program = req.GetProgram()
	}
	if program == "" {
		program = req.GetPwd()
	}
	args := append([]string{"-u", program}, req.GetArgs()...)
	cmd := exec.CommandContext(server.Context(), pythonFor(info), args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = os.Environ()
	if env := req.GetEnv(); len(env) > 0 {
		cmd.Env = env
	}
	if venv := virtualenvFor(info); venv != "" {
		cmd.Env = append(cmd.Env, "VIRTUAL_ENV="+venv,
			"PATH="+filepath.Join(venv, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	var sending sync.Mutex // a gRPC stream must not be written from two goroutines at once
	send := func(response *pulumirpc.RunPluginResponse) error {
		sending.Lock()
		defer sending.Unlock()
		return server.Send(response)
	}
	cmd.Stdout = streamWriter(func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	})
	cmd.Stderr = streamWriter(func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	})
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("could not run the Python plugin in %s: %w", program, err)
		}
		code = exitErr.ExitCode()
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

// streamWriter is an io.Writer that hands a copy of every write to `send`.
type streamWriter func([]byte) error

func (w streamWriter) Write(p []byte) (int, error) {
	if err := w(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// virtualenvFor returns the absolute path of the `virtualenv` runtime option in Pulumi.yaml, if any.
func virtualenvFor(info *pulumirpc.ProgramInfo) string {
	venv, _ := info.GetOptions().AsMap()["virtualenv"].(string)
	if venv == "" {
		return ""
	}
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(info.GetRootDirectory(), venv)
	}
	return venv
}

// pythonFor picks the project's virtualenv interpreter when configured, else python3 on PATH.
func pythonFor(info *pulumirpc.ProgramInfo) string {
	if venv := virtualenvFor(info); venv != "" {
		return filepath.Join(venv, "bin", "python")
	}
	return "python3"
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
