package dsl

import (
	"encoding/json"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/fixtures"
	"github.com/conform-suite/conform/harness"
)

// Task is a program started in a vat that keeps running.
type Task struct {
	vat   *Vat
	id    string
	label string
	// Started is when start was sent.
	Started time.Time
}

// Start runs fixture with params as a task and returns at once.
func (v *Vat) Start(fixture string, params any) *Task {
	GinkgoHelper()
	src, err := fixtures.Program(fixture, params)
	Expect(err).NotTo(HaveOccurred())
	v.tasks++
	task := &Task{vat: v, id: fmt.Sprintf("%s-t%d", v.id, v.tasks), label: fixtureLabel(fixture, params), Started: time.Now()}
	ctx, cancel := v.t.callContext()
	defer cancel()
	if err := v.t.session.Implementation.Start(ctx, v.id, task.id, src); err != nil {
		v.t.failInfra(fmt.Sprintf("start %s in %s", task.label, v.id), err)
	}
	v.t.Logf("start %s in %s as %s", task.label, v.id, task.id)
	return task
}

// Settlement returns the task's settlement, if it has settled.
func (k *Task) Settlement() (harness.TaskSettledEvent, bool) {
	return k.vat.t.session.Events.settlement(k.vat.id, k.id)
}

// Await waits for the task to settle and fails the spec after within.
func (k *Task) Await(within time.Duration) harness.TaskSettledEvent {
	GinkgoHelper()
	var ev harness.TaskSettledEvent
	Eventually(k.vat.t.ctx, func() bool {
		var ok bool
		ev, ok = k.Settlement()
		return ok
	}).WithTimeout(within).WithPolling(5*time.Millisecond).Should(BeTrue(), "task %s (%s) must settle within %s", k.id, k.label, within)
	k.vat.t.Logf("task %s settled %s", k.id, DescribeSettlement(ev))
	return ev
}

// AwaitValue waits for the task to settle, requires that it fulfilled, and decodes its value
// into dst.
func (k *Task) AwaitValue(within time.Duration, dst any) {
	GinkgoHelper()
	settled := k.Await(within)
	Expect(settled.Status).To(Equal("fulfilled"), "task %s (%s): %s", k.id, k.label, DescribeSettlement(settled))
	Expect(json.Unmarshal(settled.Value, dst)).To(Succeed(), "task %s returned %s, which does not decode", k.id, settled.Value)
}

// ExpectNeverSettles asserts the task has not settled and does not within SettleWindow.
func (k *Task) ExpectNeverSettles(why string) {
	GinkgoHelper()
	k.ExpectNeverSettlesFor(SettleWindow, why)
}

// ExpectNeverSettlesFor is ExpectNeverSettles watching for d, for programs that arm
// something (a timeout) that would fire later than SettleWindow.
func (k *Task) ExpectNeverSettlesFor(d time.Duration, why string) {
	GinkgoHelper()
	Consistently(k.vat.t.ctx, func() string {
		if ev, ok := k.Settlement(); ok {
			return DescribeSettlement(ev)
		}
		return ""
	}).WithTimeout(d).WithPolling(10*time.Millisecond).Should(BeEmpty(), "task %s (%s) settled, but %s", k.id, k.label, why)
}

// DescribeSettlement says how a task settled and with what, for failure messages.
func DescribeSettlement(ev harness.TaskSettledEvent) string {
	if ev.Error != nil {
		return fmt.Sprintf("%s with %s: %s", ev.Status, ev.Error.Name, ev.Error.Message)
	}
	return fmt.Sprintf("%s with %s", ev.Status, truncate(string(ev.Value), 200))
}
